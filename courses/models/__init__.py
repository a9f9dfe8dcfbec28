"""Courses: the catalog, courses and lessons (pages) and each member's enrolment and progress."""

from courses.models.pages import (  # noqa: F401
    CourseIndexPage,
    CoursePage,
    CourseTag,
    LessonPage,
)
from courses.models.records import Enrollment, LessonProgress  # noqa: F401
