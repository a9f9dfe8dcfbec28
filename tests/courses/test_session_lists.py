"""Sessions where learners look: the catalog, a course's page and "My sessions" on My learning."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone
from django.utils.text import slugify

from wagtail.models import PageViewRestriction

import pytest

from courses.models import LiveSessionPage, SessionRegistration
from courses.session_selectors import SESSIONS_SHOWN
from courses.session_services import session_cancel, session_register
from tests.factories.courses import make_course, make_session

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
Status = SessionRegistration.Status


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)


def _course_session(course, *, title: str, days: int = 3, **fields) -> LiveSessionPage:
    """A live online session below ``course``, starting in ``days`` days."""
    starts_at = timezone.now() + timedelta(days=days)
    fields.setdefault("kind", LiveSessionPage.LIVE)
    fields.setdefault("expert", "Cora Course")
    session = LiveSessionPage(
        title=title,
        slug=slugify(title),
        summary=f"Summary of {title}.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        **fields,
    )
    course.add_child(instance=session)
    return session


def _classroom(title: str = "Workshop", **fields) -> LiveSessionPage:
    fields.setdefault("location", "Room 3")
    return make_session(title=title, kind=LiveSessionPage.CLASSROOM, **fields)


def _section(html: str, heading: str) -> str:
    """The HTML of the session section headed ``heading`` (empty when there is none)."""
    start = html.find(f">{heading}</h2>")
    if start == -1:
        return ""
    return html[start : html.index("</section>", start)]


# --- The catalog ---------------------------------------------------------------------------


def test_the_catalog_lists_upcoming_sessions_of_the_catalog_and_its_courses_soonest_first(
    client_a, tenant_a, member_factory
):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=1)
        make_session(title="Later in catalog", starts_in=timedelta(days=9))
        _course_session(course, title="Sooner in course", days=2)
        _classroom(title="Classroom middle", starts_in=timedelta(days=5), price=Decimal("490"))
        make_session(title="Already over", starts_in=timedelta(days=-2))
        draft = make_session(title="Draft session", starts_in=timedelta(days=4))
        draft.unpublish()
    html = client_a.get("/courses/").text
    sessions = _section(html, "Upcoming sessions")
    positions = [
        sessions.find(title)
        for title in ("Sooner in course", "Classroom middle", "Later in catalog")
    ]
    assert -1 not in positions and positions == sorted(positions)
    assert "Already over" not in html and "Draft session" not in html
    assert "Live online session" in sessions and "Classroom session" in sessions
    assert "With Cora Course" in sessions and "With Ada Expert" in sessions
    assert "490.00 EUR" in sessions


def test_each_session_shows_the_seats_left_or_the_waiting_list(client_a, tenant_a, member_factory):
    first, second = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        roomy = make_session(title="Roomy", capacity=3)
        full = make_session(title="Packed", capacity=1, starts_in=timedelta(days=3))
        session_register(member=first, session=roomy)
        session_register(member=first, session=full)
        session_register(member=second, session=full)
        roomy_url, full_url = roomy.url, full.url
    sessions = _section(client_a.get("/courses/").text, "Upcoming sessions")
    roomy_item = sessions[sessions.index(roomy_url) : sessions.index(full_url)]
    assert "2 seats left" in roomy_item
    assert "Full: waiting list" in sessions[sessions.index(full_url) :]


def test_start_times_are_shown_in_the_viewers_time_zone(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, time_zone="America/New_York")
    with tenant_a.activate():
        session = make_session(title="Zoned", starts_in=timedelta(days=3, hours=5))
    zone = ZoneInfo("America/New_York")
    expected = dateformat.format(session.starts_at.astimezone(zone), "D j M Y, H:i")
    in_utc = dateformat.format(session.starts_at.astimezone(ZoneInfo("UTC")), "D j M Y, H:i")
    assert expected != in_utc
    assert in_utc in _section(client_a.get("/courses/").text, "Upcoming sessions")
    _login(client_a, tenant_a, member)
    sessions = _section(client_a.get("/courses/").text, "Upcoming sessions")
    assert expected in sessions and "America/New_York" in sessions


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?format=live", ["Live one"], ["Classroom one"]),
        ("?format=classroom", ["Classroom one"], ["Live one"]),
        ("?format=video", [], ["Live one", "Classroom one"]),
        ("?q=basics", [], ["Live one", "Classroom one"]),
    ],
)
def test_the_format_filter_picks_the_kind_of_session(client_a, tenant_a, query, shown, hidden):
    with tenant_a.activate():
        make_course(title="Basics", lessons=1)
        make_session(title="Live one")
        _classroom(title="Classroom one")
    html = client_a.get(f"/courses/{query}").text
    for title in shown:
        assert title in _section(html, "Upcoming sessions")
    for title in hidden:
        assert title not in html


def test_filtered_to_a_kind_sessions_come_before_courses_and_say_when_there_are_none(
    client_a, tenant_a
):
    with tenant_a.activate():
        make_course(title="Basics", lessons=1)
        make_session(title="Live one")
    live = client_a.get("/courses/?format=live").text
    assert live.index("Upcoming sessions") < live.index('role="status"')
    classroom = client_a.get("/courses/?format=classroom").text
    assert "No upcoming sessions of this format are planned yet" in classroom
    plain = client_a.get("/courses/").text
    assert plain.index("Basics") < plain.index("Upcoming sessions")


def test_the_catalog_shows_the_first_sessions_and_links_to_all_of_them(client_a, tenant_a):
    count = SESSIONS_SHOWN + 1
    with tenant_a.activate():
        for day in range(1, count + 1):
            make_session(title=f"Session {day:02d}", starts_in=timedelta(days=day))
    html = client_a.get("/courses/").text
    assert f"Session {SESSIONS_SHOWN:02d}" in html and f"Session {count:02d}" not in html
    assert 'href="?sessions=all#upcoming-sessions"' in html
    filtered = client_a.get("/courses/?format=live").text
    assert 'href="?format=live&amp;sessions=all#upcoming-sessions"' in filtered
    everything = client_a.get("/courses/?sessions=all").text
    assert f"Session {count:02d}" in everything and "sessions=all#" not in everything


def test_sessions_behind_a_restriction_or_an_unpublished_course_are_left_out(client_a, tenant_a):
    with tenant_a.activate():
        draft_course = make_course(title="Draft course", lessons=1)
        _course_session(draft_course, title="Under a draft course")
        draft_course.unpublish()
        private = make_session(title="Private session")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        make_session(title="Open session")
    sessions = _section(client_a.get("/courses/").text, "Upcoming sessions")
    assert "Open session" in sessions
    assert "Under a draft course" not in sessions and "Private session" not in sessions


def test_session_titles_are_escaped(client_a, tenant_a):
    with tenant_a.activate():
        make_session(title="<script>alert(1)</script>", expert="<b>Bold</b> expert")
    html = client_a.get("/courses/").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>Bold</b>" not in html


# --- A course's page -----------------------------------------------------------------------


def test_a_course_lists_its_own_upcoming_sessions(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=1)
        other = make_course(title="Other", lessons=1)
        _course_session(course, title="Basics office hours")
        _course_session(course, title="Basics retrospective", days=-3)
        _course_session(other, title="Other office hours")
        make_session(title="Catalog-wide session")
        url = course.url
    sessions = _section(client_a.get(url).text, "Live sessions for this course")
    assert "Basics office hours" in sessions
    for title in ("Basics retrospective", "Other office hours", "Catalog-wide session"):
        assert title not in sessions


def test_a_course_without_upcoming_sessions_shows_no_session_section(client_a, tenant_a):
    with tenant_a.activate():
        url = make_course(title="Basics", lessons=1).url
    assert "Live sessions for this course" not in client_a.get(url).text


# --- My learning: "My sessions" ------------------------------------------------------------


def test_my_sessions_lists_the_members_upcoming_registrations_with_their_status(
    client_a, tenant_a, member_factory
):
    member, other = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        seat = make_session(title="Has a seat", capacity=5)
        full = make_session(title="Waiting", capacity=1, starts_in=timedelta(days=3))
        classroom = _classroom(title="Requested room", starts_in=timedelta(days=4))
        cancelled = make_session(title="Cancelled one", starts_in=timedelta(days=5))
        make_session(title="Not registered", starts_in=timedelta(days=6))
        session_register(member=other, session=full)
        for session in (seat, full, classroom, cancelled):
            session_register(member=member, session=session)
        session_cancel(member=member, session=cancelled)
    _login(client_a, tenant_a, member)
    html = client_a.get("/learning/").text
    sessions = _section(html, "My sessions")
    for title, status in [
        ("Has a seat", "Registered"),
        ("Waiting", "On the waiting list"),
        ("Requested room", "Seat requested"),
    ]:
        item = sessions[sessions.index(title) :]
        assert status in item[: item.index("</li>")]
    assert "Cancelled one" not in sessions and "Not registered" not in sessions
    assert sessions.index("Has a seat") < sessions.index("Waiting") < sessions.index("Requested")
    assert "/learning/sessions/feed/" in html  # the calendar feed, as on a session's page


def test_my_sessions_leaves_out_sessions_that_have_ended(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        session = make_session(title="Yesterday's session")
        session_register(member=member, session=session)
        LiveSessionPage.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now() - timedelta(hours=23),
        )
    _login(client_a, tenant_a, member)
    html = client_a.get("/learning/").text
    assert "Yesterday's session" not in html
    assert "You have no upcoming sessions" in html
    assert "/learning/sessions/feed/" not in html


# --- Portals and budgets -------------------------------------------------------------------


def test_sessions_of_portal_a_never_show_on_portal_b(
    client_a, client_b, tenant_a, tenant_b, member_factory
):
    member_a, member_b = member_factory(tenant_a), member_factory(tenant_b)
    with tenant_a.activate():
        session = make_session(title="Alpha-only session")
        session_register(member=member_a, session=session)
    assert "Alpha-only session" in client_a.get("/courses/").text
    assert "Alpha-only session" not in client_b.get("/courses/").text
    _login(client_b, tenant_b, member_b)
    assert "Alpha-only session" not in client_b.get("/learning/").text
    assert client_b.get(f"/learning/sessions/{session.pk}/").status_code == HTTPStatus.NOT_FOUND


def _grow_sessions(member, *, course, count: int) -> None:
    """``count`` sessions of each place (catalog, course) and kind, the member in all of them."""
    have = LiveSessionPage.objects.count() // 3
    for number in range(have, count):
        for session in (
            make_session(title=f"Catalog live {number}", starts_in=timedelta(days=number + 1)),
            _classroom(title=f"Catalog room {number}", starts_in=timedelta(days=number + 1)),
            _course_session(course, title=f"Course live {number}", days=number + 1),
        ):
            session_register(member=member, session=session)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "page", ["catalog", "catalog_live", "catalog_all", "course", "course_all", "dashboard"]
)
def test_pages_with_sessions_stay_within_budget_whatever_their_number(
    client_a, tenant_a, member_factory, django_assert_max_num_queries, page, signed_in
):
    if page == "dashboard" and not signed_in:
        pytest.skip("My learning is for signed-in members")
    member = member_factory(tenant_a)
    if signed_in:
        _login(client_a, tenant_a, member)
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        course_url = course.url
    path = {
        "catalog": "/courses/",
        "catalog_live": "/courses/?format=live",
        "catalog_all": "/courses/?sessions=all",
        "course": course_url,
        "course_all": f"{course_url}?sessions=all",
        "dashboard": "/learning/",
    }[page]
    counts = []
    for count in (1, SESSIONS_SHOWN + 2):
        with tenant_a.activate():
            _grow_sessions(member, course=course, count=count)
        client_a.get(path)  # warm the per-portal caches (site root paths)
        with django_assert_max_num_queries(QUERY_BUDGET) as queries:
            response = client_a.get(path)
        assert response.status_code == HTTPStatus.OK
        assert "live 0" in response.text  # the soonest session is listed
        if page in ("catalog_all", "course_all", "dashboard"):
            assert f"live {count - 1}" in response.text  # and so is the last one
        counts.append(len(queries))
    assert counts[0] == counts[1]
    print(f"{page} signed_in={signed_in}: {counts[0]} queries")
