"""Staff tools for sessions (the admin's Sessions list and rosters) and the emails members get."""

import csv
import io
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.models import GroupPagePermission

import pytest

from courses.models import LiveSessionPage, SessionRegistration
from courses.services import CourseError
from courses.session_services import (
    ATTENDANCE_TOO_EARLY,
    NOT_REQUESTED,
    NOT_REQUESTED_TO_DECLINE,
    REASON_TOO_LONG,
    REQUEST_DECLINED,
    SEAT_PAYMENT_HANDLERS,
    SESSION_FULL,
    redeem_voucher_for_seat,
    session_cancel,
    session_confirm,
    session_register,
)
from courses.staff.sessions import BAD_ATTENDANCE
from tests.concurrency import race
from tests.factories.courses import course_index, make_course, make_session

pytestmark = pytest.mark.django_db

Status = SessionRegistration.Status
QUERY_BUDGET = 12
ROOM = {"kind": LiveSessionPage.CLASSROOM, "location": "Room 3, 1 Main Street"}


class Rollback(Exception):
    pass


def _login(client, tenant, user):
    with tenant.activate():
        client.force_login(user)


def _staff(member_factory, tenant):
    return member_factory(tenant, staff=True, mfa=True)


def _editor(member_factory, tenant, *, page=None):
    """A non-superuser allowed into the admin, who may edit ``page`` and below (the catalog)."""
    editor = member_factory(tenant, mfa=True)
    with tenant.activate():
        group = Group.objects.create(name=f"Editors {editor.pk}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        GroupPagePermission.objects.create(
            group=group,
            page=page or course_index(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="change_page"
            ),
        )
        editor.groups.add(group)
    return editor


def _requested(tenant, members, **fields):
    with tenant.activate():
        session = make_session(**{**ROOM, **fields})
        registrations = [session_register(member=m, session=session) for m in members]
    return session, registrations


def _start(tenant, session):
    """Move the session's start into the past, as if it had begun five minutes ago."""
    with tenant.activate():
        starts_at = datetime.now(UTC) - timedelta(minutes=5)
        LiveSessionPage.objects.filter(pk=session.pk).update(
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
        )


def _action(session, registration, name):
    return f"/admin/sessions/{session.pk}/registrations/{registration.pk}/{name}/"


def _status(tenant, registration):
    with tenant.activate():
        registration.refresh_from_db()
    return registration.status


# The admin screens ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_staff_confirm_a_seat_request_from_the_roster(
    client_a, tenant_a, member_factory, django_capture_on_commit_callbacks, who
):
    staff = _staff(member_factory, tenant_a) if who == "superuser" else None
    staff = staff or _editor(member_factory, tenant_a)
    member = member_factory(tenant_a, first_name="Grace", last_name="Hopper")
    session, (registration,) = _requested(tenant_a, [member], title="Hands-on lab")
    _login(client_a, tenant_a, staff)
    roster = client_a.get(f"/admin/sessions/{session.pk}/")
    assert roster.status_code == HTTPStatus.OK
    assert (
        "Grace Hopper" in roster.text and _action(session, registration, "confirm") in roster.text
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(_action(session, registration, "confirm"), follow=True)
    assert "Seat confirmed for Grace Hopper" in response.text
    with tenant_a.activate():
        registration.refresh_from_db()
    assert registration.status == Status.REGISTERED and registration.decided_by_id == staff.pk
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject == "[Alpha Academy] Your seat is confirmed: Hands-on lab"


def test_confirming_past_capacity_or_twice_says_why(client_a, tenant_a, member_factory):
    staff = _staff(member_factory, tenant_a)
    first, second = member_factory(tenant_a), member_factory(tenant_a)
    session, (one, two) = _requested(tenant_a, [first, second], capacity=1)
    _login(client_a, tenant_a, staff)
    client_a.post(_action(session, one, "confirm"))
    full = client_a.post(_action(session, two, "confirm"), follow=True)
    assert full.status_code == HTTPStatus.OK and SESSION_FULL in full.text
    again = client_a.post(_action(session, one, "confirm"), follow=True)
    assert NOT_REQUESTED in again.text
    assert (_status(tenant_a, one), _status(tenant_a, two)) == (Status.REGISTERED, Status.REQUESTED)


def test_staff_decline_a_request_with_a_reason_the_member_is_emailed(
    client_a, tenant_a, member_factory, django_capture_on_commit_callbacks
):
    staff = _staff(member_factory, tenant_a)
    member = member_factory(tenant_a)
    session, (registration,) = _requested(tenant_a, [member])
    _login(client_a, tenant_a, staff)
    reason = "Partners only <b>this time</b>, sorry & see you in May."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            _action(session, registration, "decline"), {"reason": reason}, follow=True
        )
    assert "declined; they are emailed" in response.text
    assert "Partners only &lt;b&gt;this time&lt;/b&gt;" in response.text
    assert _status(tenant_a, registration) == Status.DECLINED
    (message,) = mail.outbox
    assert message.to == [member.email] and "declined" in message.subject
    assert reason in message.body
    again = client_a.post(_action(session, registration, "decline"), follow=True)
    assert NOT_REQUESTED_TO_DECLINE in again.text
    with tenant_a.activate(), pytest.raises(CourseError, match=REQUEST_DECLINED):
        session_register(member=member, session=session)


def test_a_too_long_reason_is_refused_with_a_message(client_a, tenant_a, member_factory):
    staff = _staff(member_factory, tenant_a)
    session, (registration,) = _requested(tenant_a, [member_factory(tenant_a)])
    _login(client_a, tenant_a, staff)
    response = client_a.post(
        _action(session, registration, "decline"), {"reason": "x" * 501}, follow=True
    )
    assert REASON_TOO_LONG in response.text
    assert _status(tenant_a, registration) == Status.REQUESTED


def test_attendance_is_marked_only_once_the_session_has_started(client_a, tenant_a, member_factory):
    staff = _staff(member_factory, tenant_a)
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session()
        registration = session_register(member=member, session=session)
    _login(client_a, tenant_a, staff)
    url = _action(session, registration, "attendance")
    early = client_a.post(url, {"attended": "attended"}, follow=True)
    assert ATTENDANCE_TOO_EARLY in early.text
    _start(tenant_a, session)
    seen = []
    for choice in ("attended", "no-show", "clear"):
        client_a.post(url, {"attended": choice})
        with tenant_a.activate():
            registration.refresh_from_db()
        seen.append(registration.attended)
    assert seen == [True, False, None]
    bad = client_a.post(url, {"attended": "maybe"}, follow=True)
    assert bad.status_code == HTTPStatus.OK and BAD_ATTENDANCE in bad.text
    roster = client_a.get(f"/admin/sessions/{session.pk}/").text
    assert 'value="no-show"' in roster


def test_learners_are_refused_the_screens_and_the_actions(client_a, tenant_a, member_factory):
    learner = member_factory(tenant_a)
    session, (registration,) = _requested(tenant_a, [learner])
    _login(client_a, tenant_a, learner)
    for path in ("/admin/sessions/", f"/admin/sessions/{session.pk}/"):
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]
    response = client_a.post(_action(session, registration, "confirm"))
    assert response.status_code == HTTPStatus.FOUND
    assert _status(tenant_a, registration) == Status.REQUESTED


def test_editors_of_another_part_of_the_site_are_refused(client_a, tenant_a, member_factory):
    with tenant_a.activate():
        course = make_course(title="Other course", lessons=0)
    editor = _editor(member_factory, tenant_a, page=course)
    session, (registration,) = _requested(tenant_a, [member_factory(tenant_a)], title="Secret")
    _login(client_a, tenant_a, editor)
    assert "Secret" not in client_a.get("/admin/sessions/").text
    refused = client_a.get(f"/admin/sessions/{session.pk}/")
    assert refused.status_code == HTTPStatus.FOUND and refused["Location"] == "/admin/"
    client_a.post(_action(session, registration, "confirm"))
    assert _status(tenant_a, registration) == Status.REQUESTED


def test_a_roster_of_one_portal_is_not_found_on_another(
    client_b, tenant_a, tenant_b, member_factory
):
    session, (registration,) = _requested(tenant_a, [member_factory(tenant_a)])
    _login(client_b, tenant_b, _staff(member_factory, tenant_b))
    assert client_b.get(f"/admin/sessions/{session.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client_b.get(f"/admin/sessions/{session.pk}/?export=csv").status_code == 404
    for name in ("confirm", "decline", "attendance"):
        response = client_b.post(_action(session, registration, name))
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert _status(tenant_a, registration) == Status.REQUESTED


def test_the_sessions_list_shows_seats_requests_and_waiting_lists(
    client_a, tenant_a, member_factory
):
    members = [member_factory(tenant_a) for _ in range(3)]
    with tenant_a.activate():
        live = make_session(title="Live Q&A", capacity=2)
        for member in members:
            session_register(member=member, session=live)
        room = make_session(title="Workshop", **ROOM)
        session_register(member=members[0], session=room)
        make_session(title="Last week", starts_in=timedelta(days=-7))
        make_session(title="Long ago", starts_in=timedelta(days=-60))
    _login(client_a, tenant_a, _staff(member_factory, tenant_a))
    html = client_a.get("/admin/sessions/").text
    rows = html.split("<tr>")
    live_row = next(row for row in rows if "Live Q&amp;A" in row)
    room_row = next(row for row in rows if "Workshop" in row)
    assert _cells(live_row)[-3:] == ["2 / 2", "0", "1"]
    assert _cells(room_row)[-3:] == ["0 / 2", "1", "0"]
    assert html.index("Upcoming") < html.index("Live Q&amp;A") < html.index("Last week")
    assert "Long ago" not in html


def _cells(row: str) -> list[str]:
    return [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]


def test_the_roster_is_linked_from_the_page_explorer_and_the_editor(
    client_a, tenant_a, member_factory
):
    with tenant_a.activate():
        session = make_session()
        index_pk = course_index().pk
    _login(client_a, tenant_a, _staff(member_factory, tenant_a))
    roster = f"/admin/sessions/{session.pk}/"
    assert roster in client_a.get(f"/admin/pages/{index_pk}/").text
    assert roster in client_a.get(f"/admin/pages/{session.pk}/edit/").text
    assert "/admin/sessions/" in client_a.get("/admin/").text  # the menu item
    assert f"/admin/sessions/{index_pk}/" not in client_a.get(f"/admin/pages/{index_pk}/").text


def test_the_roster_downloads_as_csv_without_formulas(client_a, tenant_a, member_factory):
    sneaky = member_factory(tenant_a, first_name='=HYPERLINK("http://evil")', last_name="")
    plain = member_factory(tenant_a, first_name="Ada", last_name="Lovelace")
    session, _ = _requested(tenant_a, [sneaky, plain], title="Lab")
    _login(client_a, tenant_a, _staff(member_factory, tenant_a))
    response = client_a.get(f"/admin/sessions/{session.pk}/?export=csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="roster-lab.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Name"] for row in rows] == ['\'=HYPERLINK("http://evil")', "Ada Lovelace"]
    assert [row["Status"] for row in rows] == ["Seat requested"] * 2
    assert rows[1]["Email"] == plain.email


def _queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_sessions_list_stays_within_budget_whatever_the_number_of_sessions(
    client_a, tenant_a, member_factory
):
    members = [member_factory(tenant_a) for _ in range(3)]
    _login(client_a, tenant_a, _staff(member_factory, tenant_a))
    counts = []
    for size in (1, 20):
        with tenant_a.activate():
            for number in range(LiveSessionPage.objects.count(), size):
                fields = ROOM if number % 2 else {"capacity": 1}
                session = make_session(title=f"Session {number}", **fields)
                for member in members:
                    session_register(member=member, session=session)
        counts.append(_queries(client_a, "/admin/sessions/"))
    assert counts[0] == counts[1] <= QUERY_BUDGET, counts


@pytest.mark.parametrize("export", ["", "?export=csv", "?export=xlsx"])
def test_the_roster_stays_within_budget_whatever_the_number_of_registrations(
    client_a, tenant_a, member_factory, export
):
    _login(client_a, tenant_a, _staff(member_factory, tenant_a))
    with tenant_a.activate():
        session = make_session(capacity=5)
    counts = []
    for size in (1, 20):
        with tenant_a.activate():
            have = session.registrations.count()
        for _ in range(have, size):
            member = member_factory(tenant_a)
            with tenant_a.activate():
                session_register(member=member, session=session)
        counts.append(_queries(client_a, f"/admin/sessions/{session.pk}/{export}"))
    assert counts[0] == counts[1] <= QUERY_BUDGET, counts


# The emails ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "status", "subject", "says"),
    [
        ({"capacity": 1}, Status.REGISTERED, "You have a seat", "Join: https://meet.example/"),
        ({"capacity": 0}, Status.WAITLISTED, "You are on the waiting list", "waiting list"),
        (ROOM, Status.REQUESTED, "Seat request received", "Where: Room 3"),
    ],
)
def test_registering_emails_a_confirmation_in_the_members_time_zone(
    tenant_a, member_factory, django_capture_on_commit_callbacks, fields, status, subject, says
):
    member = member_factory(tenant_a, time_zone="Asia/Tokyo")
    starts_at = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    with tenant_a.activate():
        session = make_session(
            title="O'Brien's clinic",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            **fields,
        )
        with django_capture_on_commit_callbacks(execute=True):
            registration = session_register(member=member, session=session)
    assert registration.status == status
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == f"[Alpha Academy] {subject}: O'Brien's clinic"
    assert "“O'Brien's clinic”" in message.body and says in message.body
    assert "18:00–19:00 (Asia/Tokyo)" in message.body
    assert f"http://a.localhost/learning/sessions/{session.pk}/" in message.body
    if status != Status.REGISTERED:
        assert "meet.example" not in message.body


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(
    tenant_a, member_factory, django_capture_on_commit_callbacks
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(Rollback),
            transaction.atomic(),
        ):
            session_register(member=member, session=session)
            raise Rollback
        assert callbacks == [] and mail.outbox == []
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            session_register(member=member, session=session)
        assert len(callbacks) == 1 and mail.outbox == []
        callbacks[0]()
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_cancellation_emails_exactly_the_members_who_move_up(
    tenant_a, member_factory, django_capture_on_commit_callbacks
):
    seated, leaving, first, second, third = (member_factory(tenant_a) for _ in range(5))
    with tenant_a.activate():
        session = make_session(title="Busy", capacity=2)
        for member in (seated, leaving, first, second, third):
            session_register(member=member, session=session)
        with django_capture_on_commit_callbacks(execute=True):
            session_cancel(member=leaving, session=session)
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert mail.outbox[0].subject == "[Alpha Academy] A seat opened up for you: Busy"
    assert "moved up from the waiting list" in mail.outbox[0].body


def test_a_seat_paid_with_a_voucher_is_confirmed_by_email(
    tenant_a, member_factory, monkeypatch, django_capture_on_commit_callbacks
):
    member = member_factory(tenant_a)
    session, _ = _requested(tenant_a, [member], title="Paid lab")
    monkeypatch.setattr(
        "courses.session_services.SEAT_PAYMENT_HANDLERS",
        [*SEAT_PAYMENT_HANDLERS, lambda *, session, member, code: code == "PAID"],
    )
    with tenant_a.activate(), django_capture_on_commit_callbacks(execute=True):
        redeem_voucher_for_seat(member=member, session=session, code="PAID")
    (message,) = mail.outbox
    assert message.to == [member.email] and "Your seat is confirmed: Paid lab" in message.subject
    assert "Your seat is confirmed" in message.body


@pytest.mark.django_db(transaction=True)
def test_staff_confirming_at_once_never_exceed_capacity(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        staff = make_member(email="boss@example.com", staff=True)
        members = [make_member(email=f"asker{n}@example.com") for n in range(5)]
        session = make_session(capacity=2, **ROOM)
        for member in members:
            session_register(member=member, session=session)
    mail.outbox.clear()
    errors = race(
        tenant,
        [
            lambda m=member: session_confirm(member=m, session=session, decided_by=staff)
            for member in members
        ],
    )
    assert sorted(str(error) for error in errors) == [SESSION_FULL] * 3
    with tenant.activate():
        statuses = sorted(SessionRegistration.objects.values_list("status", flat=True))
    assert statuses == [Status.REGISTERED] * 2 + [Status.REQUESTED] * 3
    assert len([m for m in mail.outbox if "confirmed" in m.subject]) == 2
