"""Reads for live sessions: what a member sees on a session's page, and their calendar.

Kept apart from ``selectors.py`` for now; they belong there once that module is free to change.
"""

from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from courses.models import LiveSessionPage, SessionRegistration

UTC = ZoneInfo("UTC")


def viewer_zone(*, member) -> ZoneInfo:
    """The member's own time zone, or UTC for visitors (and unknown zone names)."""
    name = getattr(member, "time_zone", "") if member.is_authenticated else ""
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, KeyError):
        return UTC


def can_see_join_link(*, session: LiveSessionPage, registration) -> bool:
    """Only members holding a seat see the join link, and only until the session ends."""
    return (
        bool(session.join_url)
        and registration is not None
        and registration.status == SessionRegistration.Status.REGISTERED
        and not session.has_ended
    )


def session_view(*, session: LiveSessionPage, member) -> dict:
    """The session page's data in two queries: the seat counts and the member's registration."""
    counts = SessionRegistration.objects.filter(session=session).aggregate(
        registered=Count("pk", filter=Q(status=SessionRegistration.Status.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=SessionRegistration.Status.WAITLISTED)),
    )
    registration = None
    if member.is_authenticated:
        registration = (
            SessionRegistration.objects.filter(session=session, member=member)
            .exclude(status=SessionRegistration.Status.CANCELLED)
            .first()
        )
    return {
        "registration": registration,
        "seats_left": max(session.capacity - counts["registered"], 0),
        "waitlisted": counts["waitlisted"],
        "join_url": session.join_url
        if can_see_join_link(session=session, registration=registration)
        else "",
        "recording_url": session.recording_url if session.has_ended else "",
        "viewer_zone": viewer_zone(member=member),
        "registration_open": session.live and not session.has_started,
    }


def sessions_for_calendar(*, member) -> QuerySet[LiveSessionPage]:
    """The live sessions in which ``member`` holds a seat, soonest first."""
    return (
        LiveSessionPage.objects.live()
        .filter(
            registrations__member=member,
            registrations__status=SessionRegistration.Status.REGISTERED,
        )
        .order_by("starts_at")
    )
