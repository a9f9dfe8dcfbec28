"""Writes of live and classroom sessions: registration, waiting list, seats, attendance, reminders.

Every write that changes who holds a seat locks the session's row first, so counting seats and
taking one cannot interleave; the (member, session) unique constraint catches the rest.
"""

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import LiveSessionPage, SessionRegistration
from courses.services import CourseError

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
