"""The service dashboard's figures on hand-checked data: medians, shares, pass rates, awards
valid at each week's end, testimonials waiting, NPS passed through, and weeks cut at midnight
on Monday in the portal's time zone.

The clock stands still on Wednesday 12 March 2025, 12:00 UTC; "the last 8 weeks" are then the
weeks of Monday 20 January to Monday 10 March (in progress).
"""

from datetime import UTC, date, timedelta

from django.utils import timezone

import pytest

from community import models as community_models
from portal.dashboard.periods import Span, dashboard_span, summary_span
from portal.dashboard.selectors import dashboard
from portal.surveys.api import nps_series
from tests.factories import dashboard as make
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

NOW = make.at("2025-03-12 12:00")
MONDAYS = [date(2025, 1, 20) + timedelta(weeks=n) for n in range(8)]
WEEK_OF_3_MARCH, WEEK_OF_10_MARCH = 6, 7


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _section(key: str, weeks: int = 8):
    (section,) = dashboard(span=dashboard_span(weeks=weeks), keys=[key])
    assert [row["week"] for row in section.rows] == MONDAYS[-weeks:] if weeks <= 8 else True
    return section


def _column(section, key: str) -> list:
    return [row[key] for row in section.rows]


def test_periods_end_with_the_week_in_progress_and_the_summary_with_last_week(clock):
    span = dashboard_span(weeks=8)
    assert span.mondays == MONDAYS
    assert span.start == make.at("2025-01-20 00:00") and span.end == make.at("2025-03-17 00:00")
    assert dashboard_span(weeks=26).first == date(2024, 9, 16)
    assert summary_span().mondays == [date(2025, 2, 24), date(2025, 3, 3)]


def test_community_median_and_share_answered_within_24_hours(clock, tenant_a, member_factory):
    author = member_factory(tenant_a)
    with tenant_a.activate():
        for day, after in [(3, 1), (4, 5), (5, 30), (6, None)]:
            make.question(
                author=author,
                asked=make.at(f"2025-03-0{day} 10:00"),
                answered_after=None if after is None else make.hours(after),
            )
        hidden = make.question(
            author=author, asked=make.at("2025-03-03 11:00"), answered_after=make.hours(2)
        )
        hidden.hidden_at = NOW
        hidden.save(update_fields=["hidden_at"])
        # An hour old, answered after 30 minutes: in the median, not yet in the 24-hour share.
        make.question(
            author=author, asked=make.at("2025-03-12 11:00"), answered_after=make.hours(0.5)
        )
        make.question(author=author, asked=make.at("2025-01-19 23:59"))  # before the period
        section = _section("community")

    assert _column(section, "questions") == [0, 0, 0, 0, 0, 0, 4, 1]
    assert _column(section, "answered") == [0, 0, 0, 0, 0, 0, 3, 1]
    assert _column(section, "median_hours")[-2:] == [5.0, 0.5]
    assert _column(section, "share_24h")[-2:] == [50.0, None]
    assert _column(section, "median_hours")[:6] == [None] * 6  # gaps, not zeros


@pytest.mark.parametrize(
    ("zone", "asked", "week"),
    [
        ("UTC", "2025-03-10 03:00", WEEK_OF_10_MARCH),
        ("America/New_York", "2025-03-10 03:00", WEEK_OF_3_MARCH),  # Sunday 23:00 EDT
        ("UTC", "2025-03-02 23:30", WEEK_OF_3_MARCH - 1),
        ("Europe/Berlin", "2025-03-02 23:30", WEEK_OF_3_MARCH),  # Monday 00:30 CET
    ],
)
def test_weeks_start_at_monday_midnight_in_the_portals_time_zone(
    clock, tenant_a, member_factory, zone, asked, week
):
    author = member_factory(tenant_a)
    with tenant_a.activate(), timezone.override(zone):
        make.question(author=author, asked=make.at(asked), answered_after=make.hours(2))
        section = _section("community")
    counts = _column(section, "questions")
    assert counts[week] == 1 and sum(counts) == 1


def test_ideas_response_and_resolution_times_overall_and_per_area(clock, tenant_a, member_factory):
    author = member_factory(tenant_a)
    with tenant_a.activate():
        billing = make.area("Billing", position=0)
        console = make.area("Console", position=1)
        make.area("=Empty", position=2)
        first = make.idea(
            author=author,
            area=billing,
            created=make.at("2025-03-03 09:00"),
            response_after=make.hours(2),
            resolved_after=make.hours(48),
        )
        make.idea(
            author=author,
            area=billing,
            created=make.at("2025-03-04 09:00"),
            response_after=make.hours(6),
        )
        make.idea(
            author=author,
            area=console,
            created=make.at("2025-03-05 09:00"),
            response_after=make.hours(10),
            resolved_after=make.hours(100),
        )
        make.idea(author=author, area=console, created=make.at("2025-03-05 10:00"))
        make.idea(  # a merged duplicate counts in the idea it was merged into
            author=author,
            area=console,
            created=make.at("2025-03-03 09:00"),
            response_after=make.hours(1),
            merged_into=first,
        )
        make.idea(
            author=author,
            area=billing,
            created=make.at("2025-03-03 09:00"),
            response_after=make.hours(1),
            hidden_at=NOW,
        )
        section = _section("ideas")

    week = section.rows[WEEK_OF_3_MARCH]
    assert week == {
        "week": MONDAYS[WEEK_OF_3_MARCH],
        "submitted": 4,
        "responded": 3,
        "median_response_hours": 6.0,
        "resolved": 2,
        "median_resolution_hours": 74.0,
    }
    totals = dict(section.breakdown.totals)
    assert list(totals) == ["Billing", "Console", "=Empty"]
    assert totals["Billing"] == {
        "submitted": 2,
        "responded": 2,
        "median_response_hours": 4.0,
        "resolved": 1,
        "median_resolution_hours": 48.0,
    }
    assert totals["Console"]["median_response_hours"] == 10.0
    assert totals["Console"]["median_resolution_hours"] == 100.0
    assert totals["=Empty"]["submitted"] == 0 and totals["=Empty"]["median_response_hours"] is None

    header, rows = section.csv_table()
    assert header[:3] == ["Week starting", "Product area", "Ideas and complaints"]
    assert len(rows) == 8 * 3  # all areas, Billing, Console (an area without ideas has no weeks)
    assert ["2025-03-03", "Billing", 2, 2, 4.0, 1, 48.0] in rows
    assert ["2025-02-24", "Console", 0, 0, "", 0, ""] in rows


def test_enrolments_and_completions_by_their_own_weeks(clock, tenant_a, member_factory):
    members = [member_factory(tenant_a) for _ in range(3)]
    with tenant_a.activate():
        course = make_course(title="Dashboard course", lessons=1)
        make.enrollment(
            member=members[0],
            course=course,
            enrolled=make.at("2025-02-24 10:00"),
            completed=make.at("2025-03-04 10:00"),
        )
        make.enrollment(member=members[1], course=course, enrolled=make.at("2025-03-03 10:00"))
        make.enrollment(
            member=members[2],
            course=course,
            enrolled=make.at("2025-03-10 10:00"),
            completed=make.at("2025-03-11 10:00"),
        )
        section = _section("learning")
    assert _column(section, "enrolments") == [0, 0, 0, 0, 0, 1, 1, 1]
    assert _column(section, "completions") == [0, 0, 0, 0, 0, 0, 1, 1]


def test_exam_pass_rate_of_submitted_attempts(clock, tenant_a, member_factory):
    with tenant_a.activate():
        certification = make.certification()
    members = [member_factory(tenant_a) for _ in range(6)]
    with tenant_a.activate():
        for member, passed in zip(members[:4], [True, True, True, False], strict=True):
            make.attempt(
                member=member,
                certification=certification,
                submitted=make.at("2025-03-04 10:00"),
                passed=passed,
            )
        make.attempt(member=members[4], certification=certification, submitted=None, passed=None)
        make.attempt(
            member=members[5],
            certification=certification,
            submitted=make.at("2025-03-11 10:00"),
            passed=False,
        )
        section = _section("exams")
    assert _column(section, "attempts")[-2:] == [4, 1]
    assert _column(section, "passed")[-2:] == [3, 0]
    assert _column(section, "pass_rate") == [None] * 6 + [75.0, 0.0]


def test_certifications_valid_at_each_weeks_end_and_expiring_now(clock, tenant_a, member_factory):
    with tenant_a.activate():
        certification = make.certification()
    m = [member_factory(tenant_a) for _ in range(5)]
    with tenant_a.activate():
        award = make.award
        c = certification
        award(member=m[0], certification=c, issued=make.at("2025-01-01 00:00"))
        award(
            member=m[1],
            certification=c,
            issued=make.at("2025-03-04 00:00"),
            expires=make.at("2025-04-01 00:00"),
        )
        award(
            member=m[2],
            certification=c,
            issued=make.at("2024-03-20 00:00"),
            expires=make.at("2025-03-05 00:00"),
        )
        award(
            member=m[3],
            certification=c,
            issued=make.at("2025-02-01 00:00"),
            revoked=make.at("2025-02-20 00:00"),
        )
        award(
            member=m[4],
            certification=c,
            issued=make.at("2025-01-10 00:00"),
            expires=make.at("2025-05-01 00:00"),
            superseded=make.at("2025-02-25 00:00"),
        )
        award(
            member=m[4],
            certification=c,
            issued=make.at("2025-02-25 00:00"),
            expires=make.at("2025-05-01 00:00"),
        )
        section = _section("certifications")
    assert _column(section, "valid") == [3, 4, 4, 4, 3, 3, 3, 3]
    assert [(fact.label, fact.value) for fact in section.facts] == [
        ("Valid now", 3),
        ("Expiring within 30 days", 1),
        ("Expiring within 60 days", 2),
    ]


def test_nps_is_passed_through_from_the_surveys_api(clock, tenant_a, member_factory):
    members = [member_factory(tenant_a) for _ in range(5)]
    with tenant_a.activate():
        course = make_course(title="NPS course", lessons=1)
        for member, score in zip(members[:4], [10, 9, 7, 3], strict=True):
            make.feedback(
                member=member, course=course, recommend=score, answered=make.at("2025-03-04 09:00")
            )
        make.feedback(
            member=members[4], course=course, recommend=0, answered=make.at("2025-03-11 09:00")
        )
        section = _section("nps")
        span = dashboard_span(weeks=8)
        series = nps_series(start=span.first, end=span.last)
    assert _column(section, "nps") == [None] * 6 + [25, -100]
    assert _column(section, "nps") == [row["nps"] for row in series]
    assert _column(section, "responses") == [row["responses"] for row in series]


def test_referrals_per_week(clock, tenant_a, member_factory):
    referrer = member_factory(tenant_a)
    referred = [member_factory(tenant_a) for _ in range(3)]
    with tenant_a.activate():
        for member, day in zip(referred, ["2025-02-11", "2025-02-12", "2025-03-12"], strict=True):
            make.referral(referrer=referrer, referred=member, created=make.at(f"{day} 09:00"))
        section = _section("referrals")
    assert _column(section, "referrals") == [0, 0, 0, 2, 0, 0, 0, 1]


def test_testimonials_waiting_for_staff_and_for_their_authors(clock, tenant_a, member_factory):
    authors = [member_factory(tenant_a) for _ in range(6)]
    S = community_models.Testimonial.Status
    with tenant_a.activate():
        t = make.testimonial
        t(author=authors[0], status=S.SUBMITTED, submitted=make.at("2025-03-04 09:00"))
        t(
            author=authors[1],
            status=S.AWAITING_AUTHOR,
            submitted=make.at("2025-02-20 09:00"),
            edited=make.at("2025-03-05 09:00"),
        )
        t(
            author=authors[2],
            status=S.PUBLISHED,
            submitted=make.at("2025-02-10 09:00"),
            edited=make.at("2025-02-12 09:00"),
            approved=make.at("2025-02-14 09:00"),
            published=make.at("2025-02-14 09:00"),
        )
        t(author=authors[3], status=S.DECLINED, submitted=make.at("2025-02-20 09:00"))
        t(
            author=authors[4],
            status=S.WITHDRAWN,
            submitted=make.at("2025-02-25 09:00"),
            withdrawn=make.at("2025-03-01 09:00"),
        )
        t(author=authors[5], status=S.SUBMITTED, submitted=make.at("2025-03-11 09:00"))
        section = _section("testimonials")
    assert _column(section, "waiting_staff") == [0, 0, 0, 0, 1, 1, 1, 2]
    assert _column(section, "waiting_author") == [0, 0, 0, 0, 0, 0, 1, 1]
    assert [fact.value for fact in section.facts] == [2, 1]


def test_an_empty_portal_has_every_week_and_no_errors(clock, tenant_b):
    with tenant_b.activate():
        sections = dashboard(span=dashboard_span(weeks=12))
    assert [s.key for s in sections] == [
        "community",
        "ideas",
        "learning",
        "exams",
        "certifications",
        "nps",
        "referrals",
        "testimonials",
    ]
    for section in sections:
        assert len(section.rows) == 12 and not section.has_data


def test_span_of_one_week_cut_across_a_daylight_saving_change():
    with timezone.override("Europe/Berlin"):
        span = Span(first=date(2025, 3, 24), weeks=1)  # clocks go forward on 30 March
        assert span.end.astimezone(UTC) - span.start.astimezone(UTC) == timedelta(days=7, hours=-1)
