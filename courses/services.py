"""Writes of the courses app: enrolment, progress, lesson completion and session registration.

Each runs in a transaction and leans on the database's unique constraints for races; positions
and counters are updated in SQL (``Greatest``/``Least``), never read, changed and saved in Python.
"""

import math
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import (
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    LiveSessionPage,
    SessionRegistration,
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

    The position is clamped to ``[0, duration]``; ``furthest_seconds`` never decreases, so pings
    arriving late or out of order cannot undo progress. Reaching 90% of the duration completes
    the lesson (once), and the last lesson completes the course. Raises ``CourseError`` for
    non-numeric, non-finite or negative values, or when the member is not enrolled.
    """
    position = parse_seconds(position)
    duration = parse_seconds(duration)
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


# Live and classroom sessions ------------------------------------------------------------------

SESSION_CLOSED = "Registration for this session has closed."
SESSION_FULL = "Every seat of this session is taken."
NOT_REGISTERED = "You are not registered for this session."
NOT_REQUESTED = "There is no seat request to confirm."
VOUCHER_NOT_ACCEPTED = "This code cannot pay for a seat."

SeatPaymentHandler = Callable[..., bool]
SEAT_PAYMENT_HANDLERS: list[SeatPaymentHandler] = []
"""Ways to pay for a classroom seat: ``handler(*, session, member, code) -> bool``.

The Certification issue brings vouchers: its app appends a handler that redeems ``code`` for
this seat and returns True, or returns False when the code is not one of its vouchers.
"""


def _session_locked(session: LiveSessionPage) -> LiveSessionPage:
    """The session re-read with its row locked until the transaction ends.

    Every write that changes who holds a seat takes this lock first, so counting the seats and
    taking one cannot interleave: capacity holds under concurrent requests.
    """
    return LiveSessionPage.objects.select_for_update().get(pk=session.pk)


def _seats_taken(session: LiveSessionPage) -> int:
    return SessionRegistration.objects.filter(
        session=session, status=SessionRegistration.Status.REGISTERED
    ).count()


@transaction.atomic
def session_register(*, member, session: LiveSessionPage) -> SessionRegistration:
    """Register ``member``: a seat while there is one, else the waiting list.

    A classroom session records a seat request, confirmed by staff (``session_confirm``) or paid
    with a voucher (``redeem_voucher_for_seat``). Registering again returns the current
    registration unchanged; after a cancellation it registers anew, at the back of the queue.
    Raises ``CourseError`` when the session is not published or has started.
    """
    session = _session_locked(session)
    if not session.live or session.has_started:
        raise CourseError(SESSION_CLOSED)
    registration = SessionRegistration.objects.filter(member=member, session=session).first()
    if registration is not None and registration.status != SessionRegistration.Status.CANCELLED:
        return registration
    if session.is_classroom:
        status = SessionRegistration.Status.REQUESTED
    elif _seats_taken(session) < session.capacity:
        status = SessionRegistration.Status.REGISTERED
    else:
        status = SessionRegistration.Status.WAITLISTED
    if registration is None:
        return SessionRegistration.objects.create(member=member, session=session, status=status)
    registration.status = status
    registration.created_at = timezone.now()
    registration.attended = None
    registration.reminded_at = None
    registration.save(update_fields=["status", "created_at", "attended", "reminded_at"])
    return registration


def _promote_waitlist(session: LiveSessionPage) -> None:
    free = session.capacity - _seats_taken(session)
    if free <= 0:
        return
    waiting = SessionRegistration.objects.filter(
        session=session, status=SessionRegistration.Status.WAITLISTED
    ).order_by("created_at", "pk")[:free]
    SessionRegistration.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(
        status=SessionRegistration.Status.REGISTERED
    )


@transaction.atomic
def session_cancel(*, member, session: LiveSessionPage) -> SessionRegistration:
    """Give up a seat, a waiting-list place or a seat request; the oldest waiting member moves up.

    Raises ``CourseError`` when the member holds nothing to cancel or the session has started.
    """
    session = _session_locked(session)
    registration = (
        SessionRegistration.objects.filter(member=member, session=session)
        .exclude(status=SessionRegistration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise CourseError(NOT_REGISTERED)
    if session.has_started:
        raise CourseError(SESSION_CLOSED)
    registration.status = SessionRegistration.Status.CANCELLED
    registration.save(update_fields=["status"])
    _promote_waitlist(session)
    return registration


@transaction.atomic
def session_confirm(*, member, session: LiveSessionPage) -> SessionRegistration:
    """Staff confirm a classroom seat request. Raises ``CourseError`` if none or no seat left."""
    session = _session_locked(session)
    registration = SessionRegistration.objects.filter(
        member=member, session=session, status=SessionRegistration.Status.REQUESTED
    ).first()
    if registration is None:
        raise CourseError(NOT_REQUESTED)
    if _seats_taken(session) >= session.capacity:
        raise CourseError(SESSION_FULL)
    registration.status = SessionRegistration.Status.REGISTERED
    registration.save(update_fields=["status"])
    return registration


@transaction.atomic
def redeem_voucher_for_seat(*, member, session: LiveSessionPage, code: str) -> SessionRegistration:
    """Pay for a requested classroom seat with a voucher code, confirming it at once.

    The extension point for the Certification issue's vouchers: each handler in
    ``SEAT_PAYMENT_HANDLERS`` is offered the code; the first to accept it pays, and the seat is
    confirmed in the same transaction (so a full session rolls the redemption back). Until a
    handler is registered every code is refused with ``CourseError(VOUCHER_NOT_ACCEPTED)``.
    """
    for handler in SEAT_PAYMENT_HANDLERS:
        if handler(session=session, member=member, code=code):
            return session_confirm(member=member, session=session)
    raise CourseError(VOUCHER_NOT_ACCEPTED)


@transaction.atomic
def attendance_mark(
    *, session: LiveSessionPage, member, attended: bool | None
) -> SessionRegistration:
    """Staff record whether a registered member came (None clears it).

    Raises ``CourseError`` when the member holds no seat.
    """
    registration = SessionRegistration.objects.filter(
        member=member, session=session, status=SessionRegistration.Status.REGISTERED
    ).first()
    if registration is None:
        raise CourseError(NOT_REGISTERED)
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


REMINDER_WINDOW = timedelta(hours=24)


def session_reminders_send() -> int:
    """Email each registered member of a session starting within 24 hours, once; in this portal.

    A registration is claimed (``reminded_at`` set) before its email is sent, so two runs at
    once cannot send twice; a failed delivery releases the claim for the next run.
    """
    from portal.accounts.adapters import portal_name

    now = timezone.now()
    due = SessionRegistration.objects.filter(
        status=SessionRegistration.Status.REGISTERED,
        reminded_at__isnull=True,
        session__live=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDER_WINDOW,
    ).select_related("member", "session")
    name = portal_name()
    sent = 0
    for registration in due:
        claimed = SessionRegistration.objects.filter(pk=registration.pk, reminded_at__isnull=True)
        if not claimed.update(reminded_at=now):
            continue
        session = registration.session
        context = {
            "member": registration.member,
            "session": session,
            "zone": ZoneInfo(registration.member.time_zone or "UTC"),
            "portal_name": name,
        }
        try:
            send_mail(
                subject=f"[{name}] Reminder: {session.title}",
                message=render_to_string("courses/email/session_reminder.txt", context),
                from_email=None,
                recipient_list=[registration.member.email],
            )
        except Exception:
            claimed.update(reminded_at=None)
            raise
        sent += 1
    return sent
