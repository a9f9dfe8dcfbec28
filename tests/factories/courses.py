"""Course pages for tests; call inside a portal's schema (``with tenant.activate():``)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from courses.models import CourseIndexPage, CoursePage, LessonPage, LiveSessionPage
from portal.models import HomePage

VIDEO = {
    "title": "Intro video",
    "video": None,
    "url": "https://video.example/v.mp4",
    "poster": None,
    "captions": [],
}


def course_index() -> CourseIndexPage:
    """The portal's catalog at /courses/, made on first use."""
    existing = CourseIndexPage.objects.first()
    if existing is not None:
        return existing
    index = CourseIndexPage(title="Courses", slug="courses", intro="Learn at your pace.")
    HomePage.objects.get().add_child(instance=index)
    return index


def make_lesson(course: CoursePage, *, title: str, video: bool = False, **fields) -> LessonPage:
    """A live lesson at the end of ``course``: text, or a video when ``video=True``.

    ``body=[...]`` replaces the default content.
    """
    body = fields.pop("body", None) or [("paragraph", f"<p>Body of {title}.</p>")]
    if video:
        body.insert(0, ("video", VIDEO))
    lesson = LessonPage(title=title, slug=slugify(title), body=body, **fields)
    course.add_child(instance=lesson)
    return lesson


def make_course(
    *, title: str = "Course", lessons: int = 3, video: bool = False, **fields
) -> CoursePage:
    """A live course in the catalog with ``lessons`` lessons, the first a free preview."""
    fields.setdefault("summary", f"Summary of {title}.")
    course = CoursePage(title=title, slug=slugify(title), **fields)
    course_index().add_child(instance=course)
    for number in range(1, lessons + 1):
        make_lesson(course, title=f"{title} lesson {number}", video=video, is_preview=number == 1)
    return course


def make_session(
    *, title: str = "Ask an expert", starts_in: timedelta = timedelta(days=2), **fields
) -> LiveSessionPage:
    """A live session in the catalog starting ``starts_in`` from now and lasting an hour."""
    fields.setdefault("kind", LiveSessionPage.LIVE)
    fields.setdefault("expert", "Ada Expert")
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("capacity", 2)
    fields.setdefault("join_url", "https://meet.example/secret-room")
    starts_at = timezone.now() + starts_in
    fields.setdefault("starts_at", starts_at)
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=1))
    session = LiveSessionPage(title=title, slug=slugify(title), **fields)
    course_index().add_child(instance=session)
    return session


def complete_course(*, member, course: CoursePage) -> None:
    """Enrol ``member`` and mark every live lesson of ``course`` done, through the services."""
    from courses.services import enrollment_create, lesson_complete

    enrollment_create(member=member, course=course)
    for lesson in LessonPage.objects.live().child_of(course).order_by("path"):
        lesson_complete(member=member, lesson=lesson)


def make_feedback(*, member, course: CoursePage, recommend: int = 8, **answers):
    """``member`` completes ``course`` and answers its survey (ratings default to 4)."""
    from courses.feedback_services import feedback_submit

    complete_course(member=member, course=course)
    for name in ("content_rating", "instructor_rating", "pace_rating"):
        answers.setdefault(name, 4)
    return feedback_submit(member=member, course=course, recommend=recommend, **answers)
