"""Courses: the catalog, courses, lessons and live sessions (pages), and members' records."""

from courses.models.feedback import CourseFeedback  # noqa: F401
from courses.models.pages import (  # noqa: F401
    CourseIndexPage,
    CoursePage,
    CourseTag,
    LessonPage,
)
from courses.models.records import Enrollment, LessonProgress  # noqa: F401
from courses.models.sessions import LiveSessionPage, SessionRegistration  # noqa: F401
