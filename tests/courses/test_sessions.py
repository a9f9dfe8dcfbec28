"""Live and classroom sessions: registration, waiting list, calendars, reminders, isolation."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

import pytest
from icalendar import Calendar

from courses.models import CourseIndexPage, CoursePage, LiveSessionPage, SessionRegistration
from courses.services import CourseError
from courses.session_services import (
    ATTENDANCE_TOO_EARLY,
    NO_SEAT,
    NOT_REQUESTED,
    SEAT_PAYMENT_HANDLERS,
    SESSION_CLOSED,
    SESSION_FULL,
    VOUCHER_NOT_ACCEPTED,
    attendance_mark,
    redeem_voucher_for_seat,
    session_cancel,
    session_confirm,
    session_register,
)
from courses.session_views import feed_token
from tests.concurrency import race
from tests.factories.courses import make_session

pytestmark = pytest.mark.django_db

Status = SessionRegistration.Status
JOIN = "https://meet.example/secret-room"


def _members(member_factory, tenant, count):
    return [member_factory(tenant) for _ in range(count)]


def test_sessions_can_be_added_under_the_catalog_and_a_course():
    assert LiveSessionPage.can_create_at(CourseIndexPage())
    assert LiveSessionPage.can_create_at(CoursePage())


def test_a_session_must_end_after_it_starts(tenant_a):
    with tenant_a.activate():
        session = make_session()
        session.ends_at = session.starts_at
        with pytest.raises(ValidationError) as error:
            session.full_clean()
    assert "ends_at" in error.value.message_dict


def test_registrations_past_capacity_join_the_waiting_list(tenant_a, member_factory):
    members = _members(member_factory, tenant_a, 3)
    with tenant_a.activate():
        session = make_session(capacity=2)
        statuses = [session_register(member=m, session=session).status for m in members]
    assert statuses == [Status.REGISTERED, Status.REGISTERED, Status.WAITLISTED]


def test_registering_twice_changes_nothing(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session()
        first = session_register(member=member, session=session)
        second = session_register(member=member, session=session)
        assert first.pk == second.pk and second.status == Status.REGISTERED
        assert SessionRegistration.objects.count() == 1


def test_cancelling_a_seat_promotes_the_oldest_waiting_member(tenant_a, member_factory):
    first, second, third, fourth = _members(member_factory, tenant_a, 4)
    with tenant_a.activate():
        session = make_session(capacity=2)
        for member in (first, second, third, fourth):
            session_register(member=member, session=session)
        session_cancel(member=first, session=session)
        status = dict(SessionRegistration.objects.values_list("member_id", "status"))
    assert status == {
        first.pk: Status.CANCELLED,
        second.pk: Status.REGISTERED,
        third.pk: Status.REGISTERED,
        fourth.pk: Status.WAITLISTED,
    }


def test_registering_again_after_cancelling_goes_to_the_back(tenant_a, member_factory):
    first, second, third = _members(member_factory, tenant_a, 3)
    with tenant_a.activate():
        session = make_session(capacity=1)
        session_register(member=first, session=session)
        session_register(member=second, session=session)
        session_cancel(member=first, session=session)
        session_register(member=third, session=session)
        again = session_register(member=first, session=session)
    assert again.status == Status.WAITLISTED


def test_a_started_session_refuses_registrations(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session(starts_in=timedelta(minutes=-5))
        with pytest.raises(CourseError, match=SESSION_CLOSED):
            session_register(member=member, session=session)


def test_classroom_seats_are_requested_then_confirmed_by_staff(tenant_a, member_factory):
    first, second = _members(member_factory, tenant_a, 2)
    with tenant_a.activate():
        session = make_session(kind=LiveSessionPage.CLASSROOM, location="Room 3", capacity=1)
        assert session_register(member=first, session=session).status == Status.REQUESTED
        session_register(member=second, session=session)
        assert session_confirm(member=first, session=session).status == Status.REGISTERED
        with pytest.raises(CourseError, match=SESSION_FULL):
            session_confirm(member=second, session=session)
        with pytest.raises(CourseError, match=NOT_REQUESTED):
            session_confirm(member=first, session=session)


def test_a_seat_payment_handler_confirms_a_seat_with_a_voucher(
    tenant_a, member_factory, monkeypatch
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session(kind=LiveSessionPage.CLASSROOM, location="Room 3")
        session_register(member=member, session=session)
        with pytest.raises(CourseError, match=VOUCHER_NOT_ACCEPTED):
            redeem_voucher_for_seat(member=member, session=session, code="FREE")
        monkeypatch.setattr(
            "courses.session_services.SEAT_PAYMENT_HANDLERS",
            [*SEAT_PAYMENT_HANDLERS, lambda *, session, member, code: code == "FREE"],
        )
        paid = redeem_voucher_for_seat(member=member, session=session, code="FREE")
    assert paid.status == Status.REGISTERED


def test_staff_mark_attendance_once_the_session_has_started(tenant_a, member_factory):
    member, waiting = _members(member_factory, tenant_a, 2)
    with tenant_a.activate():
        session = make_session(capacity=1)
        session_register(member=member, session=session)
        session_register(member=waiting, session=session)
        with pytest.raises(CourseError, match=ATTENDANCE_TOO_EARLY):
            attendance_mark(session=session, member=member, attended=True)
        session.starts_at = timezone.now() - timedelta(minutes=1)
        assert attendance_mark(session=session, member=member, attended=True).attended is True
        with pytest.raises(CourseError, match=NO_SEAT):
            attendance_mark(session=session, member=waiting, attended=True)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_exceed_capacity(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        members = [make_member(email=f"racer{n}@example.com") for n in range(4)]
        session = make_session(capacity=2)
    errors = race(
        tenant,
        [lambda m=member: session_register(member=m, session=session) for member in members],
    )
    assert errors == []
    with tenant.activate():
        statuses = sorted(SessionRegistration.objects.values_list("status", flat=True))
    assert statuses == [Status.REGISTERED] * 2 + [Status.WAITLISTED] * 2


def test_the_join_link_is_shown_to_registered_members_only(client_a, tenant_a, member_factory):
    registered, waiting, visitor = _members(member_factory, tenant_a, 3)
    with tenant_a.activate():
        session = make_session(capacity=1)
        session_register(member=registered, session=session)
        session_register(member=waiting, session=session)
        url = session.url
    assert JOIN not in client_a.get(url).text
    for member, shown in ((registered, True), (waiting, False), (visitor, False)):
        with tenant_a.activate():
            client_a.force_login(member)
        html = client_a.get(url).text
        assert (JOIN in html) is shown, member


def test_the_page_shows_times_in_the_members_zone(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, time_zone="Asia/Tokyo")
    starts_at = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    with tenant_a.activate():
        session = make_session(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
        url = session.url
    anonymous = client_a.get(url).text
    assert "09:00" in anonymous and "UTC" in anonymous
    assert 'datetime="2099-03-01T09:00:00+00:00"' in anonymous
    with tenant_a.activate():
        client_a.force_login(member)
    html = client_a.get(url).text
    assert "18:00" in html and "Asia/Tokyo" in html


def test_the_recording_is_shown_after_the_end(client_a, tenant_a):
    with tenant_a.activate():
        upcoming = make_session(title="Soon", recording_url="https://video.example/soon")
        past = make_session(
            title="Past", starts_in=timedelta(days=-1), recording_url="https://video.example/past"
        )
        urls = (upcoming.url, past.url)
    assert "video.example/soon" not in client_a.get(urls[0]).text
    assert "video.example/past" in client_a.get(urls[1]).text


def test_register_and_cancel_through_the_page(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session()
        client_a.force_login(member)
    response = client_a.post(f"/learning/sessions/{session.pk}/register/", follow=True)
    assert JOIN in response.text
    response = client_a.post(f"/learning/sessions/{session.pk}/cancel/", follow=True)
    assert JOIN not in response.text and "Your registration is cancelled." in response.text


def test_the_ics_file_has_the_start_in_utc(client_a, tenant_a):
    starts_at = datetime(2099, 3, 1, 9, 30, tzinfo=UTC)
    with tenant_a.activate():
        session = make_session(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    response = client_a.get(f"/learning/sessions/{session.pk}/calendar.ics")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20990301T093000Z" in response.content
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts_at
    assert JOIN not in response.content.decode()


def test_the_calendar_feed_lists_the_members_sessions(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        mine = make_session(title="Mine")
        make_session(title="Not mine")
        session_register(member=member, session=mine)
        token = feed_token(member=member)
    response = client_a.get(f"/learning/sessions/feed/{token}/calendar.ics")
    assert response.status_code == HTTPStatus.OK
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Mine"]


def test_a_feed_token_is_refused_on_another_portal_or_when_tampered(
    client_a, client_b, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        token = feed_token(member=member)
    assert client_b.get(f"/learning/sessions/feed/{token}/calendar.ics").status_code == 404
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client_a.get(f"/learning/sessions/feed/{tampered}/calendar.ics").status_code == 404


def test_as_session_is_not_found_on_b(client_b, tenant_b, tenant_a, member_factory):
    member_b = member_factory(tenant_b)
    with tenant_a.activate():
        session = make_session()
    with tenant_b.activate():
        client_b.force_login(member_b)
    for path in ("", "calendar.ics"):
        assert client_b.get(f"/learning/sessions/{session.pk}/{path}").status_code == 404
    for action in ("register", "cancel"):
        response = client_b.post(f"/learning/sessions/{session.pk}/{action}/")
        assert response.status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        assert not SessionRegistration.objects.exists()


def test_the_reminder_is_sent_once_the_day_before(tenant_a, member_factory):
    member, later = _members(member_factory, tenant_a, 2)
    with tenant_a.activate():
        soon = make_session(title="Soon", starts_in=timedelta(hours=3))
        next_week = make_session(title="Next week", starts_in=timedelta(days=7))
        session_register(member=member, session=soon)
        session_register(member=later, session=next_week)
    call_command("send_session_reminders")
    call_command("send_session_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject.startswith("[") and "Soon" in message.subject
    assert JOIN in message.body


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_session_page_stays_within_budget(
    client_a, tenant_a, member_factory, django_assert_max_num_queries, signed_in
):
    members = _members(member_factory, tenant_a, 5)
    with tenant_a.activate():
        session = make_session(capacity=3)
        for member in members:
            session_register(member=member, session=session)
        if signed_in:
            client_a.force_login(members[0])
        url = session.url
    client_a.get(url)
    with django_assert_max_num_queries(12):
        response = client_a.get(url)
    assert response.status_code == HTTPStatus.OK
