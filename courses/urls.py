"""URLs of the courses app: the catalog's address and the learner's actions under /learning/.

Courses and lessons themselves are Wagtail pages below the catalog (/courses/<course>/...).
"""

from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("courses/", views.index, name="index"),
    path("learning/", views.dashboard, name="dashboard"),
    path("learning/enrol/<int:course_id>/", views.enroll, name="enroll"),
    path("learning/progress/", views.progress, name="progress"),
    path("learning/lessons/<int:lesson_id>/done/", views.mark_done, name="mark_done"),
]
