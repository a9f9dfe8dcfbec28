"""Writes of live and classroom sessions: registration, waiting list, seats, attendance, emails.

Every write that changes who holds a seat locks the session's row first, so counting seats and
taking one cannot interleave; the (member, session) unique constraint catches the rest. Members
are emailed what changed for them (registered, waiting, seat confirmed or declined, moved up from
the waiting list) once the transaction commits, so a write that rolls back sends nothing.
"""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import LiveSessionPage, SessionRegistration
from courses.services import CourseError
from portal.accounts.api import viewer_zone

SESSION_CLOSED = "Registration for this session has closed."
SESSION_FULL = "Every seat of this session is taken."
NOT_REGISTERED = "You are not registered for this session."
NOT_REQUESTED = "There is no seat request to confirm."
NOT_REQUESTED_TO_DECLINE = "There is no seat request to decline."
REQUEST_DECLINED = "Your seat request for this session was declined."
REASON_TOO_LONG = "Keep the reason under 500 characters."
ATTENDANCE_TOO_EARLY = "Attendance can be marked once the session has started."
NO_SEAT = "This member holds no seat in this session."
VOUCHER_NOT_ACCEPTED = "This code cannot pay for a seat."
REASON_MAX_LENGTH = 500

Status = SessionRegistration.Status

SeatPaymentHandler = Callable[..., bool]
SEAT_PAYMENT_HANDLERS: list[SeatPaymentHandler] = []
"""Ways to pay for a classroom seat: ``handler(*, session, member, code) -> bool``.

The Certification issue brings vouchers: its app appends a handler that redeems ``code`` for
this seat and returns True, or returns False when the code is not one of its vouchers.
"""

EMAILS = {
    "registered": ("You have a seat", "courses/email/session_registered.txt"),
    "waitlisted": ("You are on the waiting list", "courses/email/session_registered.txt"),
    "requested": ("Seat request received", "courses/email/session_registered.txt"),
    "confirmed": ("Your seat is confirmed", "courses/email/session_confirmed.txt"),
    "declined": ("Seat request declined", "courses/email/session_declined.txt"),
    "promoted": ("A seat opened up for you", "courses/email/session_promoted.txt"),
}
"""The emails members get, by event: (subject, template). Subjects get the portal's name."""


def _session_locked(session: LiveSessionPage) -> LiveSessionPage:
    """The session re-read with its row locked until the transaction ends.

    Every write that changes who holds a seat takes this lock first, so counting the seats and
    taking one cannot interleave: capacity holds under concurrent requests.
    """
    return LiveSessionPage.objects.select_for_update().get(pk=session.pk)


def _seats_taken(session: LiveSessionPage) -> int:
    return SessionRegistration.objects.filter(session=session, status=Status.REGISTERED).count()


def _email_after_commit(
    event: str, *, session: LiveSessionPage, registrations: Iterable[SessionRegistration]
) -> None:
    """Email each registration's member about ``event`` once the current transaction commits.

    The messages are written now, in this portal (its name, the member's time zone, the session's
    address on the portal's own domain), and handed to the mail server only after the commit: a
    write that rolls back sends nothing. A failed delivery is logged and never undoes the write.
    """
    from portal.accounts.adapters import portal_name

    registrations = list(registrations)
    if not registrations:
        return
    name = portal_name()
    subject, template = EMAILS[event]
    subject = " ".join(f"[{name}] {subject}: {session.title}".split())
    url = session.get_full_url()
    messages = [
        EmailMessage(
            subject=subject,
            body=render_to_string(
                template,
                {
                    "member": registration.member,
                    "registration": registration,
                    "session": session,
                    "zone": viewer_zone(member=registration.member),
                    "session_url": url,
                    "portal_name": name,
                },
            ),
            to=[registration.member.email],
        )
        for registration in registrations
    ]
    transaction.on_commit(lambda: get_connection().send_messages(messages), robust=True)


@transaction.atomic
def session_register(*, member, session: LiveSessionPage) -> SessionRegistration:
    """Register ``member``: a seat while there is one, else the waiting list.

    A classroom session records a seat request, confirmed by staff (``session_confirm``) or paid
    with a voucher (``redeem_voucher_for_seat``). Registering again returns the current
    registration unchanged; after a cancellation it registers anew, at the back of the queue.
    The member is emailed what they got. Raises ``CourseError`` when the session is not
    published or has started, or when staff declined the member's seat request.
    """
    session = _session_locked(session)
    if not session.live or session.has_started:
        raise CourseError(SESSION_CLOSED)
    registration = SessionRegistration.objects.filter(member=member, session=session).first()
    if registration is not None and registration.status == Status.DECLINED:
        raise CourseError(REQUEST_DECLINED)
    if registration is not None and registration.status != Status.CANCELLED:
        return registration
    if session.is_classroom:
        status = Status.REQUESTED
    elif _seats_taken(session) < session.capacity:
        status = Status.REGISTERED
    else:
        status = Status.WAITLISTED
    if registration is None:
        registration = SessionRegistration.objects.create(
            member=member, session=session, status=status
        )
    else:
        registration.status = status
        registration.created_at = timezone.now()
        registration.attended = None
        registration.reminded_at = None
        registration.save(update_fields=["status", "created_at", "attended", "reminded_at"])
    _email_after_commit(status, session=session, registrations=[registration])
    return registration


def _promote_waitlist(session: LiveSessionPage) -> list[SessionRegistration]:
    """Give the free seats to the longest-waiting members and email exactly those members."""
    free = session.capacity - _seats_taken(session)
    if free <= 0:
        return []
    promoted = list(
        SessionRegistration.objects.filter(session=session, status=Status.WAITLISTED)
        .select_related("member")
        .order_by("created_at", "pk")[:free]
    )
    SessionRegistration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=Status.REGISTERED
    )
    for registration in promoted:
        registration.status = Status.REGISTERED
    _email_after_commit("promoted", session=session, registrations=promoted)
    return promoted


@transaction.atomic
def session_cancel(*, member, session: LiveSessionPage) -> SessionRegistration:
    """Give up a seat, a waiting-list place or a seat request; the oldest waiting member moves up.

    Raises ``CourseError`` when the member holds nothing to cancel or the session has started.
    """
    session = _session_locked(session)
    registration = (
        SessionRegistration.objects.filter(member=member, session=session)
        .exclude(status__in=[Status.CANCELLED, Status.DECLINED])
        .first()
    )
    if registration is None:
        raise CourseError(NOT_REGISTERED)
    if session.has_started:
        raise CourseError(SESSION_CLOSED)
    registration.status = Status.CANCELLED
    registration.save(update_fields=["status"])
    _promote_waitlist(session)
    return registration


def _seat_request(*, member, session: LiveSessionPage, missing: str) -> SessionRegistration:
    registration = (
        SessionRegistration.objects.filter(member=member, session=session, status=Status.REQUESTED)
        .select_related("member")
        .first()
    )
    if registration is None:
        raise CourseError(missing)
    return registration


@transaction.atomic
def session_confirm(*, member, session: LiveSessionPage, decided_by=None) -> SessionRegistration:
    """Confirm a classroom seat request (staff, or a paid voucher) and email the member.

    ``decided_by`` is the staff member confirming, None when a voucher paid. Raises
    ``CourseError`` when there is no request to confirm or no seat left.
    """
    session = _session_locked(session)
    registration = _seat_request(member=member, session=session, missing=NOT_REQUESTED)
    if _seats_taken(session) >= session.capacity:
        raise CourseError(SESSION_FULL)
    registration.status = Status.REGISTERED
    registration.decided_at = timezone.now()
    registration.decided_by = decided_by
    registration.save(update_fields=["status", "decided_at", "decided_by"])
    _email_after_commit("confirmed", session=session, registrations=[registration])
    return registration


@transaction.atomic
def session_decline(
    *, member, session: LiveSessionPage, reason: str = "", decided_by=None
) -> SessionRegistration:
    """Staff decline a classroom seat request; the member is emailed, with the reason if given.

    A declined request stays on the roster and cannot be sent again by the member. Raises
    ``CourseError`` when there is no request to decline or the reason is too long.
    """
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise CourseError(REASON_TOO_LONG)
    session = _session_locked(session)
    registration = _seat_request(member=member, session=session, missing=NOT_REQUESTED_TO_DECLINE)
    registration.status = Status.DECLINED
    registration.decline_reason = reason
    registration.decided_at = timezone.now()
    registration.decided_by = decided_by
    registration.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
    _email_after_commit("declined", session=session, registrations=[registration])
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

    Raises ``CourseError`` before the session starts or when the member holds no seat.
    """
    if not session.has_started:
        raise CourseError(ATTENDANCE_TOO_EARLY)
    registration = SessionRegistration.objects.filter(
        member=member, session=session, status=Status.REGISTERED
    ).first()
    if registration is None:
        raise CourseError(NO_SEAT)
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
        status=Status.REGISTERED,
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
            "registration": registration,
            "session": session,
            "zone": viewer_zone(member=registration.member),
            "session_url": session.get_full_url(),
            "portal_name": name,
        }
        try:
            send_mail(
                subject=" ".join(f"[{name}] Reminder: {session.title}".split()),
                message=render_to_string("courses/email/session_reminder.txt", context),
                from_email=None,
                recipient_list=[registration.member.email],
            )
        except Exception:
            claimed.update(reminded_at=None)
            raise
        sent += 1
    return sent
