"""Answer times (the staff report in the Wagtail admin, its CSV) and the public leaderboard with
the home page's top members: exact figures on a hand-computable data set, periods, who may see
the report, tenant isolation and query budgets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from community.accept_services import answer_accept
from community.models import ReputationEvent
from community.report_selectors import answer_time_report, leaderboard, top_answerers
from community.reputation import Change, reputation_record
from tests.community.conftest import START
from tests.factories.certification import make_certification
from tests.factories.community import (
    certified_member,
    community_member,
    make_answer,
    make_question,
    make_tag,
)
from tests.factories.community_moderation import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_top_members():
    """The home page's top members are cached per portal; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


ADMIN = "/admin/community/answer-times/"
QUERY_BUDGET = 12
_keys = iter(range(1, 10_000))


# The answer-time report


@pytest.fixture
def answered(tenant_a, clock, asker):
    """Four questions asked at START: answered after 1 h (accepted after 5 h), 3 h, 30 h, never.

    Q1 [Deployment]              Grace after 1 h, accepted after 5 h
    Q2 [Deployment, Networking]  Linus after 3 h, Grace after 4 h
    Q3 [Networking]              Linus after 30 h
    Q4 [Deployment]              no answer
    """
    with tenant_a.activate():
        certification = make_certification(name="Certified Answerer")
    grace = certified_member(tenant_a, certification=certification, display_name="Grace Answerer")
    linus = certified_member(tenant_a, certification=certification, display_name="Linus Answerer")
    with tenant_a.activate():
        deployment, networking = make_tag(name="Deployment"), make_tag(name="Networking")
        q1 = make_question(author=asker, title="Question one about deploying", tags=[deployment])
        q2 = make_question(
            author=asker, title="Question two about deploying", tags=[deployment, networking]
        )
        q3 = make_question(author=asker, title="Question three about networks", tags=[networking])
        make_question(author=asker, title="Question four nobody answers", tags=[deployment])
        clock.move_to(START + timedelta(hours=1), tick=False)
        a1 = make_answer(question=q1, author=grace)
        clock.move_to(START + timedelta(hours=3), tick=False)
        make_answer(question=q2, author=linus)
        clock.move_to(START + timedelta(hours=4), tick=False)
        make_answer(question=q2, author=grace)
        clock.move_to(START + timedelta(hours=5), tick=False)
        answer_accept(member=asker, answer=a1)
        clock.move_to(START + timedelta(hours=30), tick=False)
        make_answer(question=q3, author=linus)
        clock.move_to(START + timedelta(days=2), tick=False)
    return {"grace": grace, "linus": linus, "certification": certification}


def _figures(row) -> tuple:
    return (
        row.count,
        row.answered,
        row.within_24h,
        row.median_hours,
        None if row.mean_hours is None else round(row.mean_hours, 3),
        row.accepted,
        row.median_accept_hours,
    )


def test_the_report_gives_exact_times_for_all_questions_per_tag_and_per_answerer(
    tenant_a, answered
):
    with tenant_a.activate():
        report = answer_time_report()
    # All: first answers after 1, 3, 30 h; 2 of 4 within 24 h; Q1 accepted after 5 h.
    assert _figures(report.total) == (4, 3, 2, 3.0, 11.333, 1, 5.0)
    assert report.total.share_within_24h == 0.5
    tags = {row.label: row for row in report.tags}
    assert [row.label for row in report.tags] == ["Deployment", "Networking"]
    assert _figures(tags["Deployment"]) == (3, 2, 2, 2.0, 2.0, 1, 5.0)
    assert tags["Deployment"].share_within_24h == pytest.approx(2 / 3)
    assert _figures(tags["Networking"]) == (2, 2, 1, 16.5, 16.5, 0, None)
    answerers = {row.label: row for row in report.answerers}
    # Per answerer: hours from the question to their own answer.
    assert _figures(answerers["Grace Answerer"]) == (2, 2, 2, 2.5, 2.5, 1, 5.0)
    assert _figures(answerers["Linus Answerer"]) == (2, 2, 1, 16.5, 16.5, 0, None)
    assert answerers["Linus Answerer"].share_within_24h == 0.5


def test_the_report_counts_only_questions_asked_since_the_start(tenant_a, answered):
    with tenant_a.activate():
        report = answer_time_report(since=START + timedelta(minutes=1))
    assert report.total.count == 0 and report.tags == [] and report.answerers == []
    assert report.total.median_hours is None and report.total.share_within_24h is None


def test_the_report_costs_the_same_queries_for_few_or_many_questions(tenant_a, answered, asker):
    counts = []
    for extra in (0, 12):
        with tenant_a.activate():
            for number in range(extra):
                question = make_question(author=asker, title=f"Extra question number {number}")
                make_answer(question=question, author=answered["linus"])
            answer_time_report()  # the first query of a request also sets the schema
            with CaptureQueriesContext(connection) as queries:
                answer_time_report()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4, counts


# The admin screen


@pytest.fixture
def moderator_client(client_a, tenant_a, answered):
    """A moderator signed in after the data set was made (the clock stands two days on)."""
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="mod@a.localhost", display_name="Mo"))
    return client_a


def test_a_moderator_sees_the_report_with_a_period_filter(moderator_client, answered):
    response = moderator_client.get(ADMIN + "?period=all")
    assert response.status_code == HTTPStatus.OK
    html = response.text
    for text in ["Answer times", "Deployment", "Networking", "Grace Answerer", "16.5", "50 %"]:
        assert text in html, text
    assert '<option value="all" selected>' in html
    # An unknown period shows the last 30 days, which hold these questions of two days ago.
    assert "Grace Answerer" in moderator_client.get(ADMIN + "?period=bogus").text


def test_the_period_filter_leaves_out_older_questions(client_a, tenant_a, answered, clock):
    clock.move_to(START + timedelta(days=40), tick=False)
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="mod@a.localhost"))
    html = client_a.get(ADMIN + "?period=30").text
    assert "No questions were asked in this period" in html
    assert "Grace Answerer" in client_a.get(ADMIN + "?period=90").text


def test_the_csv_export_has_every_row_and_quotes_formula_like_names(
    moderator_client, tenant_a, answered
):
    with tenant_a.activate():
        evil = certified_member(
            tenant_a, certification=answered["certification"], display_name="=HYPERLINK(1)"
        )
        question = make_question(author=answered["grace"], title="A question for the evil one")
        make_answer(question=question, author=evil)
    response = moderator_client.get(ADMIN + "?period=all&format=csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Group", "Name", "Questions or answers"]
    by_name = {(row[0], row[1]): row for row in rows[1:]}
    assert by_name[("All", "All questions")][2:] == [
        "5", "4", "3", "0.600", "2.0", "8.5", "1", "5.0"
    ]  # fmt: skip
    assert by_name[("Tag", "Networking")][2:] == ["2", "2", "1", "0.500", "16.5", "16.5", "0", ""]
    assert ("Answerer", "'=HYPERLINK(1)") in by_name
    assert ("Answerer", "=HYPERLINK(1)") not in by_name


def test_staff_without_the_permission_get_403_and_members_the_login(
    client_a, tenant_a, member_factory
):
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="editor@a.localhost", moderate=False))
    response = client_a.get(ADMIN)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Can moderate the community" in response.text
    assert client_a.get(ADMIN + "?format=csv").status_code == HTTPStatus.FORBIDDEN
    assert "Answer times" not in client_a.get("/admin/").text
    member = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(member)
    response = client_a.get(ADMIN)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_a_superuser_sees_the_menu_item(client_a, tenant_a):
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="root@a.localhost", superuser=True))
    assert ADMIN in client_a.get("/admin/").text


def test_another_portals_report_never_shows_this_portals_figures(client_b, tenant_b, answered):
    with tenant_b.activate():
        client_b.force_login(make_moderator(email="mod@b.localhost"))
    html = client_b.get(ADMIN + "?period=all").text
    assert "Grace Answerer" not in html and "Networking" not in html
    assert "No questions were asked in this period" in html


# The leaderboard


def _gain(member, points: int, *, when) -> None:
    """A real ledger event of ``points`` for ``member`` written at ``when``."""
    with time_machine.travel(when, tick=False):
        reputation_record(
            [
                Change(
                    member_id=member.pk,
                    kind=ReputationEvent.Kind.MODERATION,
                    key=f"test:{next(_keys)}",
                    points=points,
                )
            ]
        )


@pytest.fixture
def gains(tenant_a, clock):
    """Recent (3 days ago, +10), monthly (20 days ago, +50), old (100 days ago, +100) and a
    member who lost reputation this week; the monthly one is certified."""
    recent = community_member(tenant_a, display_name="Recent Rita")
    monthly = certified_member(tenant_a, display_name="Monthly Max")
    old = community_member(tenant_a, display_name="Old Olga")
    loser = community_member(tenant_a, display_name="Losing Lou")
    with tenant_a.activate():
        _gain(recent, 10, when=START - timedelta(days=3))
        _gain(monthly, 50, when=START - timedelta(days=20))
        _gain(old, 100, when=START - timedelta(days=100))
        _gain(loser, -1, when=START - timedelta(days=1))
    return {"recent": recent, "monthly": monthly, "old": old, "loser": loser}


def _names(leaders) -> list[tuple[str, int]]:
    return [(leader.profile.name, leader.points) for leader in leaders]


def test_the_leaderboard_counts_the_points_gained_in_each_period(tenant_a, gains):
    with tenant_a.activate():
        assert _names(leaderboard(period="week")) == [("Recent Rita", 10)]
        assert _names(leaderboard(period="month")) == [("Monthly Max", 50), ("Recent Rita", 10)]
        assert _names(leaderboard(period="all")) == [
            ("Old Olga", 100),
            ("Monthly Max", 50),
            ("Recent Rita", 10),
        ]
        assert _names(leaderboard(period="nonsense")) == [("Recent Rita", 10)]
        assert _names(top_answerers()) == [("Monthly Max", 50), ("Recent Rita", 10)]
        (max_,) = [leader for leader in leaderboard(period="month") if leader.rank == 1]
    assert max_.credentials and max_.credentials[0].kind == "certification"


def test_the_leaderboard_page_has_tabs_an_accessible_table_and_badges(client_a, gains):
    response = client_a.get("/community/leaderboard/?period=month")
    assert response.status_code == HTTPStatus.OK
    html = response.text
    assert "<caption>Reputation gained in the last 30 days: the top 2 members</caption>" in html
    assert '<th scope="col">Rank</th>' in html and '<th scope="row">' in html
    assert 'href="/community/leaderboard/?period=month" aria-current="page"' in html
    assert html.index("Monthly Max") < html.index("Recent Rita")
    assert "+50" in html and "Certified:" in html
    assert "Old Olga" not in html and "Losing Lou" not in html
    assert "@a.localhost" not in html
    assert "Old Olga" in client_a.get("/community/leaderboard/?period=all").text
    week = client_a.get("/community/leaderboard/").text
    assert "Recent Rita" in week and "Monthly Max" not in week


def test_an_empty_leaderboard_says_so(client_a):
    html = client_a.get("/community/leaderboard/?period=week").text
    assert "Nobody has earned reputation in the last 7 days." in html
    assert "<table" not in html


def test_the_home_page_lists_the_top_members_of_the_month(client_a, tenant_a, gains):
    html = client_a.get("/community/").text
    assert 'id="top-answerers-heading"' in html
    aside = html[html.index('<aside class="top-answerers"') :]
    assert aside.index("Monthly Max") < aside.index("Recent Rita")
    assert "Old Olga" not in aside and "+50" in aside
    # Kept for a few minutes: a new gain shows once the cache has expired.
    with tenant_a.activate():
        _gain(gains["old"], 500, when=START)
    assert "Old Olga" not in client_a.get("/community/").text
    cache.clear()
    assert "Old Olga" in client_a.get("/community/").text


def test_another_portals_leaderboard_never_lists_this_portals_members(client_b, gains):
    for path in [f"/community/leaderboard/?period={p}" for p in ("week", "month", "all")] + [
        "/community/"
    ]:
        html = client_b.get(path).text
        for name in ("Recent Rita", "Monthly Max", "Old Olga"):
            assert name not in html, (path, name)


def _count(client, path: str, assert_max) -> int:
    client.get(path)
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "path",
    [
        "/community/leaderboard/?period=week",
        "/community/leaderboard/?period=month",
        "/community/leaderboard/?period=all",
        "/community/",
    ],
)
def test_the_leaderboard_costs_the_same_for_3_or_25_members(
    client_a, tenant_a, clock, django_assert_max_num_queries, member_factory, path, signed_in
):
    if signed_in:
        with tenant_a.activate():
            client_a.force_login(member_factory(tenant_a))
    counts, cold = [], []
    members = [certified_member(tenant_a, display_name="Certified Leader")]
    for total in (3, 25):
        while len(members) < total:
            members.append(community_member(tenant_a, display_name=f"Leader {len(members)}"))
        with tenant_a.activate():
            for number, member in enumerate(members):
                _gain(member, number + 1, when=START - timedelta(days=2))
        counts.append(_count(client_a, path, django_assert_max_num_queries))
        client_a.get(path)
        cache.clear()  # the cost of the request that fills the home page's aside
        with CaptureQueriesContext(connection) as queries:
            client_a.get(path)
        cold.append(len(queries))
    assert counts[0] == counts[1], counts
    assert cold[0] == cold[1], cold
    print(f"{path} signed_in={signed_in}: {counts[0]} queries ({cold[0]} with the cache empty)")


def test_the_admin_report_stays_within_the_budget(
    client_a, tenant_a, answered, asker, django_assert_max_num_queries
):
    with tenant_a.activate():
        client_a.force_login(make_moderator(email="root@a.localhost", superuser=True))
    counts = []
    for extra in (0, 10):
        with tenant_a.activate():
            for number in range(extra):
                question = make_question(author=asker, title=f"Extra question number {number}")
                make_answer(
                    question=question,
                    author=certified_member(
                        tenant_a,
                        certification=answered["certification"],
                        display_name=f"Helper {number}",
                    ),
                )
        counts.append(_count(client_a, ADMIN + "?period=all", django_assert_max_num_queries))
    assert counts[0] == counts[1], counts
    print(f"answer times report: {counts[0]} queries")
