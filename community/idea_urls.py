"""URLs of the community's idea pages, under /community/ in the ``community`` namespace
(spread into ``community.urls``)."""

from django.urls import URLPattern, path

from community import idea_views

urlpatterns: list[URLPattern] = [
    path("ideas/", idea_views.ideas, name="ideas"),
    path("ideas/new/", idea_views.idea_new, name="idea_new"),
    path("ideas/similar/", idea_views.idea_similar, name="idea_similar"),
    path("ideas/<int:pk>/", idea_views.idea, name="idea"),
    path("ideas/<int:pk>/edit/", idea_views.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/vote/", idea_views.idea_vote, name="idea_vote"),
    path("ideas/<int:pk>/comment/", idea_views.idea_comment, name="idea_comment"),
    path("ideas/<int:pk>/follow/", idea_views.idea_follow, name="idea_follow"),
    path("ideas/<int:pk>/status/", idea_views.idea_status, name="idea_status"),
    path("ideas/<int:pk>/merge/", idea_views.idea_merge, name="idea_merge"),
    path("ideas/<int:pk>/hide/", idea_views.idea_hide, name="idea_hide"),
    path("ideas/comments/<int:pk>/hide/", idea_views.idea_comment_hide, name="idea_comment_hide"),
]
