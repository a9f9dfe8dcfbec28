"""URLs of the courses app: the catalog's address and the learner's actions under /learning/.

Courses and lessons themselves are Wagtail pages below the catalog (/courses/<course>/...).
"""

from django.urls import path

from courses import feedback_views, record_views, session_views, views

app_name = "courses"
urlpatterns = [
    path("courses/", views.index, name="index"),
    path("learning/", views.dashboard, name="dashboard"),
    path("learning/enrol/<int:course_id>/", views.enroll, name="enroll"),
    path("learning/progress/", views.progress, name="progress"),
    path("learning/lessons/<int:lesson_id>/done/", views.mark_done, name="mark_done"),
    path("learning/courses/<int:course_id>/feedback/", feedback_views.feedback, name="feedback"),
    path(
        "learning/courses/<int:course_id>/record.pdf",
        record_views.record_pdf_download,
        name="record_pdf",
    ),
    path("learning/sessions/<int:session_id>/", session_views.session_page, name="session"),
    path(
        "learning/sessions/<int:session_id>/register/",
        session_views.register,
        name="session_register",
    ),
    path("learning/sessions/<int:session_id>/cancel/", session_views.cancel, name="session_cancel"),
    path(
        "learning/sessions/<int:session_id>/voucher/",
        session_views.redeem_voucher,
        name="session_voucher",
    ),
    path(
        "learning/sessions/<int:session_id>/calendar.ics",
        session_views.session_ics,
        name="session_ics",
    ),
    path(
        "learning/sessions/feed/<str:token>/calendar.ics",
        session_views.calendar_feed,
        name="session_feed",
    ),
]
