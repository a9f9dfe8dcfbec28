"""Views of live sessions: the page itself, register, cancel, one .ics and a personal feed.

Session pages are served here, at /learning/sessions/<id>/, because the catalog and course
pages route only to courses and lessons. Domain errors become messages, never a 500.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from wagtail import hooks

import icalendar

from courses.models import LiveSessionPage, SessionRegistration
from courses.services import CourseError
from courses.session_selectors import can_see_join_link, sessions_for_calendar
from courses.session_services import redeem_voucher_for_seat, session_cancel, session_register

FEED_SALT = "courses.session-feed"


def _session_or_404(session_id: int) -> LiveSessionPage:
    return get_object_or_404(LiveSessionPage.objects.live(), pk=session_id)


def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    """Serve the session page as Wagtail would, view restrictions included."""
    page = _session_or_404(session_id)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    return page.serve(request)


@login_required
@require_POST
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(session_id)
    try:
        registration = session_register(member=request.user, session=session)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _REGISTERED_MESSAGES[registration.status])
    return redirect(session.url)


_REGISTERED_MESSAGES = {
    SessionRegistration.Status.REGISTERED: "You have a seat. See you there! We emailed you.",
    SessionRegistration.Status.WAITLISTED: (
        "The session is full: you are on the waiting list. We will email you if a seat opens."
    ),
    SessionRegistration.Status.REQUESTED: (
        "Your seat request is sent; we will email you when staff decide."
    ),
}


@login_required
@require_POST
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(session_id)
    try:
        session_cancel(member=request.user, session=session)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect(session.url)


@login_required
@require_POST
def redeem_voucher(request: HttpRequest, session_id: int) -> HttpResponse:
    """Pay for the member's requested classroom seat with a voucher code."""
    session = _session_or_404(session_id)
    code = request.POST.get("code", "").strip()
    if not code:
        messages.error(request, "Enter the voucher code.")
        return redirect(session.url)
    try:
        redeem_voucher_for_seat(member=request.user, session=session, code=code)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Voucher accepted: your seat is confirmed. We emailed you.")
    return redirect(session.url)


def feed_token(*, member) -> str:
    """The secret part of a member's calendar feed address: their id and portal, signed."""
    return signing.dumps({"m": member.pk, "s": connection.schema_name}, salt=FEED_SALT)


def _feed_member(token: str):
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict) or data.get("s") != connection.schema_name:
        raise Http404
    return get_object_or_404(get_user_model(), pk=data.get("m"), is_active=True)


def _event(request: HttpRequest, session: LiveSessionPage, *, with_join: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@{request.get_host()}")
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", session.last_published_at or session.starts_at)
    page_url = request.build_absolute_uri(session.url)
    event.add("url", page_url)
    description = [session.summary, f"With {session.expert}.", page_url]
    if with_join:
        description.append(f"Join: {session.join_url}")
    event.add("description", "\n".join(description))
    event.add("location", session.location or (session.join_url if with_join else page_url))
    return event


def _calendar_response(events: list[icalendar.Event], *, filename: str) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Guildhall//Live sessions//EN")
    calendar.add("version", "2.0")
    for event in events:
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session as an .ics file; the join link is included only for a seat holder."""
    session = _session_or_404(session_id)
    registration = None
    if request.user.is_authenticated:
        registration = SessionRegistration.objects.filter(
            session=session, member=request.user
        ).first()
    with_join = can_see_join_link(session=session, registration=registration)
    return _calendar_response(
        [_event(request, session, with_join=with_join)], filename=f"{session.slug}.ics"
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's sessions as a subscribable calendar, at an address only they know."""
    member = _feed_member(token)
    events = [
        _event(request, session, with_join=bool(session.join_url) and not session.has_ended)
        for session in sessions_for_calendar(member=member)
    ]
    return _calendar_response(events, filename="sessions.ics")


def feed_url(request: HttpRequest) -> str:
    """The absolute address of the signed-in member's calendar feed."""
    return request.build_absolute_uri(
        reverse("courses:session_feed", args=[feed_token(member=request.user)])
    )
