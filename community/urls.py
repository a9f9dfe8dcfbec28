"""URLs of the community, under /community/. Each group's views live in their own module."""

from django.urls import path

from community import (
    giveaway_urls,
    idea_urls,
    list_views,
    moderation_views,
    notification_views,
    post_views,
    report_views,
    testimonial_urls,
    thanks_urls,
    vote_views,
)

app_name = "community"
urlpatterns = [
    # Lists and search (list_views)
    path("", list_views.index, name="index"),
    path("tags/", list_views.tags, name="tags"),
    path("tags/<slug:slug>/", list_views.tag, name="tag"),
    path("unanswered/", list_views.unanswered_for_me, name="expertise_queue"),
    path("search/", list_views.search, name="search"),
    path("similar/", list_views.similar, name="similar"),
    path("questions/<int:pk>/close/", list_views.close, name="question_close"),
    path("questions/<int:pk>/reopen/", list_views.reopen, name="question_reopen"),
    # Asking, answering, commenting, editing (post_views)
    path("ask/", post_views.ask, name="ask"),
    path("preview/", post_views.preview, name="preview"),
    path("questions/<int:pk>/", post_views.question, name="question"),
    path("questions/<int:pk>/answer/", post_views.answer_create, name="answer_create"),
    path("questions/<int:pk>/edit/", post_views.question_edit, name="question_edit"),
    path("questions/<int:pk>/comment/", post_views.question_comment, name="question_comment"),
    path("questions/<int:pk>/revisions/", post_views.question_revisions, name="question_revisions"),
    path("answers/<int:pk>/edit/", post_views.answer_edit, name="answer_edit"),
    path("answers/<int:pk>/comment/", post_views.answer_comment, name="answer_comment"),
    path("answers/<int:pk>/revisions/", post_views.answer_revisions, name="answer_revisions"),
    # Votes, accepting, reputation and profiles (vote_views)
    path("questions/<int:pk>/vote/", vote_views.question_vote, name="question_vote"),
    path("answers/<int:pk>/vote/", vote_views.answer_vote, name="answer_vote"),
    path("answers/<int:pk>/accept/", vote_views.answer_accept, name="answer_accept"),
    path("members/<int:pk>/", vote_views.member_profile, name="member"),
    # Notifications, follows and preferences (notification_views)
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/read/", notification_views.mark_read, name="notifications_read"),
    path("notifications/settings/", notification_views.preferences, name="preferences"),
    path("questions/<int:pk>/follow/", notification_views.question_follow, name="question_follow"),
    path("tags/<slug:slug>/follow/", notification_views.tag_follow, name="tag_follow"),
    # The public leaderboard (report_views; the staff report is in the Wagtail admin)
    path("leaderboard/", report_views.leaderboard, name="leaderboard"),
    # Moderation (moderation_views; the queue is in the Wagtail admin)
    path("flag/<str:kind>/<int:pk>/", moderation_views.flag, name="flag"),
    # The customers' voice: ideas and complaints, the wall of thanks, giveaways, testimonials
    *idea_urls.urlpatterns,
    *thanks_urls.urlpatterns,
    *giveaway_urls.urlpatterns,
    *testimonial_urls.urlpatterns,
]
