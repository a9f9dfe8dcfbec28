"""Writes of the courses app: enrolment, progress and completion (sessions: session_services).

Each runs in a transaction and leans on the database's unique constraints for races; positions
and counters are updated in SQL (``Greatest``/``Least``), never read, changed and saved in Python.
"""

import math

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from courses.models import (
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
)

COMPLETION_RATIO = 0.9

NOT_LIVE = "This course is not available."
NOT_ENROLLED = "Enrol in the course to record your progress."
INVALID_NUMBER = "Position and duration must be numbers."
NEGATIVE_NUMBER = "Position and duration cannot be negative."
NO_DURATION = "The video's duration must be greater than zero."
VIDEO_LESSON = "A video lesson completes when you have watched 90% of it."


class CourseError(Exception):
    """A learner's request that cannot be carried out; the message is fit to show."""


def parse_seconds(raw: object) -> float:
    """A finite, non-negative number of seconds from a ping's field, or ``CourseError``."""
    if isinstance(raw, bool):
        raise CourseError(INVALID_NUMBER)
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CourseError(INVALID_NUMBER) from None
    if not math.isfinite(value):
        raise CourseError(INVALID_NUMBER)
    if value < 0:
        raise CourseError(NEGATIVE_NUMBER)
    return value


@transaction.atomic
def enrollment_create(*, member, course: CoursePage) -> Enrollment:
    """Enrol ``member`` in ``course``; enrolling again returns the existing enrolment.

    Two concurrent requests end with one row: the unique constraint refuses the second insert
    and ``get_or_create`` then reads the winner's row.
    """
    if not course.live:
        raise CourseError(NOT_LIVE)
    try:
        enrollment, _ = Enrollment.objects.get_or_create(member=member, course=course)
    except IntegrityError:  # pragma: no cover - get_or_create already retries the read
        enrollment = Enrollment.objects.get(member=member, course=course)
    return enrollment


def _course_of(lesson: LessonPage) -> CoursePage:
    parent = getattr(lesson, "_cached_parent_obj", None)
    if isinstance(parent, CoursePage):
        return parent
    return CoursePage.objects.get(path=lesson.path[: -lesson.steplen])


def _enrollment_touch(*, member, lesson: LessonPage, course: CoursePage) -> bool:
    """Remember ``lesson`` as where the member left off; False if they are not enrolled."""
    return bool(
        Enrollment.objects.filter(member=member, course=course).update(
            last_lesson=lesson, last_seen_at=timezone.now()
        )
    )


def enrollment_touch(*, member, lesson: LessonPage) -> bool:
    """Called when an enrolled member opens a lesson: one UPDATE, which also says if enrolled."""
    return _enrollment_touch(member=member, lesson=lesson, course=_course_of(lesson))


def _progress_row(*, member, lesson: LessonPage) -> LessonProgress:
    try:
        with transaction.atomic():
            progress, _ = LessonProgress.objects.get_or_create(member=member, lesson=lesson)
    except IntegrityError:  # pragma: no cover - a concurrent ping created it
        progress = LessonProgress.objects.get(member=member, lesson=lesson)
    return progress


def _complete_course_if_done(*, member, course: CoursePage) -> None:
    lessons = LessonPage.objects.live().child_of(course)
    total = lessons.count()
    done = LessonProgress.objects.filter(
        member=member, lesson__in=lessons, completed_at__isnull=False
    ).count()
    if total and done >= total:
        Enrollment.objects.filter(member=member, course=course, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )


@transaction.atomic
def progress_record(*, member, lesson: LessonPage, position: object, duration: object):
    """Record a player's ping: where playback is, and how long the video is.

    The video's length is the one stored on the lesson (from its media item) when known; the
    player's ``duration`` is then ignored, so a client cannot shorten the video to complete it.
    The position is clamped to ``[0, duration]``; ``furthest_seconds`` never decreases, so pings
    arriving late or out of order cannot undo progress. Reaching 90% of the duration completes
    the lesson (once), and the last lesson completes the course. Raises ``CourseError`` for
    non-numeric, non-finite or negative values, or when the member is not enrolled.
    """
    position = parse_seconds(position)
    known = lesson.video_duration
    duration = float(known) if known else parse_seconds(duration)
    if duration <= 0:
        raise CourseError(NO_DURATION)
    position = min(position, duration)
    course = _course_of(lesson)
    if not _enrollment_touch(member=member, lesson=lesson, course=course):
        raise CourseError(NOT_ENROLLED)
    progress = _progress_row(member=member, lesson=lesson)
    now = timezone.now()
    rows = LessonProgress.objects.filter(pk=progress.pk)
    rows.update(
        position_seconds=position,
        furthest_seconds=Least(Greatest(F("furthest_seconds"), Value(position)), Value(duration)),
        duration_seconds=duration,
        updated_at=now,
    )
    newly_complete = rows.filter(
        completed_at__isnull=True, furthest_seconds__gte=F("duration_seconds") * COMPLETION_RATIO
    ).update(completed_at=now)
    if newly_complete:
        _complete_course_if_done(member=member, course=course)
    progress.refresh_from_db()
    return progress


@transaction.atomic
def lesson_complete(*, member, lesson: LessonPage) -> LessonProgress:
    """Mark a lesson without video as done ("Mark as done"); marking it again changes nothing.

    Raises ``CourseError`` for a video lesson (those complete by watching) or when the member
    is not enrolled in the lesson's course.
    """
    if lesson.has_video:
        raise CourseError(VIDEO_LESSON)
    course = _course_of(lesson)
    if not _enrollment_touch(member=member, lesson=lesson, course=course):
        raise CourseError(NOT_ENROLLED)
    progress = _progress_row(member=member, lesson=lesson)
    now = timezone.now()
    if (
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now, updated_at=now
        )
        > 0
    ):
        _complete_course_if_done(member=member, course=course)
    progress.refresh_from_db()
    return progress
