"""The service dashboard in the Wagtail admin: the page and its charts, the period selector, the
CSV files, who may see them, tenant isolation and the query budget (the same for 10 or 500 rows
of everything)."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from certification.models import Attempt, Award
from community import models as community_models
from community.models import Idea, ProductArea, Question
from courses.models import CourseFeedback, Enrollment
from portal.accounts.models import Referral
from portal.dashboard.admin import BAD_PERIOD
from portal.sanitize import render_markdown
from tests.factories import dashboard as make
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/service-dashboard/"
QUERY_BUDGET = 12
# Wagtail's sidebar asks three more queries for a non-superuser on every admin page (their
# group page, collection and site permissions), whatever the page (as in the course reports).
SIDEBAR_PERMISSION_QUERIES = 3
NOW = make.at("2025-03-12 12:00")
SECTIONS = ["community", "ideas", "learning", "exams", "certifications", "nps", "referrals"]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _staff(tenant, member_factory, *codenames: str, email: str):
    """Staff of ``tenant`` (not a superuser), with MFA, in a group holding ``codenames``."""
    member = member_factory(tenant, email=email, mfa=True)
    with tenant.activate():
        member.is_staff = True
        member.save(update_fields=["is_staff"])
        group = Group.objects.create(name=f"Group of {email}")
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
        member.groups.add(group)
    return member


@pytest.fixture
def viewer(client_a, tenant_a, member_factory):
    """Staff of portal A allowed to see the dashboard, signed in."""
    member = _staff(
        tenant_a, member_factory, "access_admin", "view_course_reports", email="viewer@a.localhost"
    )
    with tenant_a.activate():
        client_a.force_login(member)
    return member


def _csv(response) -> list[list[str]]:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_page_shows_every_measure_as_an_accessible_chart_with_its_table(
    client_a, tenant_a, viewer, clock, member_factory
):
    author = member_factory(tenant_a)
    with tenant_a.activate():
        make.question(
            author=author, asked=make.at("2025-03-03 10:00"), answered_after=make.hours(3)
        )
    response = client_a.get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.text
    for title in (
        "Community answers",
        "Ideas and complaints",
        "Enrolments and completions",
        "Exam pass rates",
        "Active and expiring certifications",
        "Net Promoter Score",
        "Referrals",
        "Testimonials waiting",
    ):
        assert f">{title}</h2>" in html, title
    assert html.count('role="img"') >= 9
    assert (
        'aria-labelledby="chart-community-1-title" aria-describedby="chart-community-1-desc"'
        in html
    )
    assert "Median hours to first answer, weekly, 20 Jan 2025 to 10 Mar 2025." in html
    assert "Median time to first answer: latest —, lowest 3.0 h, highest 3.0 h; 7 weeks" in html
    assert "<details" in html and "Week of 3 Mar 2025" in html
    assert "A week with nothing to measure is a gap in the line" in html
    assert "Nothing to measure in this period yet." in html  # e.g. referrals: an empty chart
    for key in SECTIONS:
        assert f'{URL}{key}.csv?weeks=8"' in html
    assert "Service dashboard" in client_a.get("/admin/").text  # the menu item


@pytest.mark.parametrize(
    ("query", "weeks", "message"),
    [("", 8, False), ("?weeks=12", 12, False), ("?weeks=26", 26, False), ("?weeks=5", 8, True)],
)
def test_the_period_selector(client_a, viewer, clock, query, weeks, message):
    response = client_a.get(URL + query)
    assert response.status_code == HTTPStatus.OK
    assert response.context["weeks"] == weeks
    assert len(response.context["sections"][0]["table"]) == weeks
    assert (BAD_PERIOD in response.text) is message
    assert f'<option value="{weeks}" selected>' in response.text


def test_bad_periods_are_explained_not_errors(client_a, viewer, clock):
    for value in ("abc", "-1", "9" * 40, ""):
        response = client_a.get(URL, {"weeks": value})
        assert response.status_code == HTTPStatus.OK
        assert BAD_PERIOD in response.text
    response = client_a.get(f"{URL}community.csv?weeks=abc")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "choose 8, 12 or 26 weeks" in response.text


def test_csv_files_hold_the_weekly_figures(client_a, tenant_a, viewer, clock, member_factory):
    author = member_factory(tenant_a)
    with tenant_a.activate():
        for after in (1, 5, 30):
            make.question(
                author=author, asked=make.at("2025-03-04 10:00"), answered_after=make.hours(after)
            )
        area = make.area('=HYPERLINK("http://evil.example")')
        make.idea(
            author=author,
            area=area,
            created=make.at("2025-03-04 10:00"),
            response_after=make.hours(2),
        )
    rows = _csv(client_a.get(f"{URL}community.csv?weeks=12"))
    assert rows[0] == [
        "Week starting",
        "Questions asked",
        "Answered",
        "Median time to first answer",
        "Answered within 24 h",
    ]
    assert len(rows) == 1 + 12
    assert rows[-2] == ["2025-03-03", "3", "3", "5.0", "66.7"]
    assert rows[-1] == ["2025-03-10", "0", "0", "", ""]

    ideas = _csv(client_a.get(f"{URL}ideas.csv"))
    assert ideas[0][:2] == ["Week starting", "Product area"]
    groups = {row[1] for row in ideas[1:]}
    assert groups == {"All", '\'=HYPERLINK("http://evil.example")'}  # no formula

    response = client_a.get(f"{URL}referrals.csv")
    assert "service-referrals-8-weeks-2025-03-12.csv" in response["Content-Disposition"]
    assert client_a.get(f"{URL}nothing.csv").status_code == HTTPStatus.NOT_FOUND


def test_members_and_staff_without_the_permission_are_refused(
    client_a, tenant_a, member_factory, clock
):
    member = member_factory(tenant_a)
    editor = _staff(tenant_a, member_factory, "access_admin", email="editor@a.localhost")
    with tenant_a.activate():
        client_a.force_login(member)
    for path in (URL, f"{URL}community.csv"):
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FOUND  # the admin's login
        assert "/login/" in response["Location"]
    with tenant_a.activate():
        client_a.force_login(editor)
    for path in (URL, f"{URL}community.csv"):
        response = client_a.get(path)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "Can see course reports" in response.text
    assert "Service dashboard" not in client_a.get("/admin/").text
    client_a.logout()
    assert client_a.get(URL).status_code == HTTPStatus.FOUND


def test_superusers_see_it(client_a, tenant_a, member_factory, clock):
    root = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(root)
    assert client_a.get(URL).status_code == HTTPStatus.OK


def test_portal_b_never_counts_portal_a(
    client_a, client_b, tenant_a, tenant_b, viewer, member_factory, clock
):
    referrer = member_factory(tenant_a)
    referred = [member_factory(tenant_a) for _ in range(2)]
    with tenant_a.activate():
        for member in referred:
            make.referral(referrer=referrer, referred=member, created=make.at("2025-03-04 09:00"))
        make.question(author=referrer, asked=make.at("2025-03-04 10:00"))
    b_viewer = _staff(
        tenant_b, member_factory, "access_admin", "view_course_reports", email="viewer@b.localhost"
    )
    with tenant_b.activate():
        client_b.force_login(b_viewer)
    a_rows = _csv(client_a.get(f"{URL}referrals.csv"))
    b_rows = _csv(client_b.get(f"{URL}referrals.csv"))
    assert [row[1] for row in a_rows[1:]] == ["0"] * 6 + ["2", "0"]
    assert [row[1] for row in b_rows[1:]] == ["0"] * 8
    assert [row[1] for row in _csv(client_b.get(f"{URL}community.csv"))[1:]] == ["0"] * 8
    assert client_b.get(URL).context["sections"][0]["section"].has_data is False
    # A's session means nothing on B's host: B's admin asks to sign in.
    response = client_a.get(URL, HTTP_HOST=tenant_b.domain)
    assert response.status_code == HTTPStatus.FOUND


def _grow(tenant, count: int) -> None:
    """``count`` rows of every kind the dashboard reads, spread over the last eight weeks, and
    ``count // 25`` product areas (so the per-area table grows too)."""
    with tenant.activate():
        members = make.plain_members(count)
        course = make_course(title=f"Volume course {count}", lessons=1)
        certification = make.certification(name=f"Volume certification {count}")
        areas = [make.area(f"Area {count}-{n}", position=n) for n in range(max(1, count // 25))]
        referrer = members[0]

        def moment(number: int):
            return NOW - timedelta(hours=1 + (number * 7) % (8 * 7 * 24 - 2))

        body = render_markdown("How do I make this work? I tried the obvious things first.")
        Question.objects.bulk_create(
            Question(
                author=m,
                title=f"Volume question {n}",
                body_md="How do I make this work?",
                body_html=body,
                created_at=moment(n),
                last_activity_at=moment(n),
                first_answer_at=moment(n) + timedelta(hours=n % 40) if n % 3 else None,
            )
            for n, m in enumerate(members)
        )
        Idea.objects.bulk_create(
            Idea(
                author=m,
                area=areas[n % len(areas)],
                title=f"Volume idea {n}",
                body_md="Please add this.",
                body_html=body,
                created_at=moment(n),
                last_activity_at=moment(n),
                first_staff_response_at=moment(n) + timedelta(hours=n % 50) if n % 2 else None,
            )
            for n, m in enumerate(members)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                member=m,
                course=course,
                enrolled_at=moment(n),
                completed_at=moment(n) + timedelta(hours=1) if n % 2 else None,
            )
            for n, m in enumerate(members)
        )
        attempts = Attempt.objects.bulk_create(
            Attempt(
                member=m,
                exam=certification.exam,
                status=Attempt.Status.SUBMITTED,
                started_at=moment(n),
                deadline=moment(n) + timedelta(hours=1),
                submitted_at=moment(n),
                pass_mark_percent=70,
                passed=bool(n % 2),
            )
            for n, m in enumerate(members)
        )
        Award.objects.bulk_create(
            Award(
                member=a.member,
                certification=certification,
                attempt=a,
                issued_at=a.submitted_at,
                expires_at=a.submitted_at + timedelta(days=90),
            )
            for a in attempts
            if a.passed
        )
        Referral.objects.bulk_create(Referral(referrer=referrer, referred=m) for m in members[1:])
        CourseFeedback.objects.bulk_create(
            CourseFeedback(
                member=m,
                course=course,
                content_rating=4,
                instructor_rating=4,
                pace_rating=4,
                recommend=n % 11,
                created_at=moment(n),
                updated_at=moment(n),
            )
            for n, m in enumerate(members)
        )
        Testimonial = community_models.Testimonial
        Testimonial.objects.bulk_create(
            Testimonial(
                author=m,
                source=Testimonial.Source.STAFF,
                status=Testimonial.Status.SUBMITTED,
                original_text="Great.",
                submitted_at=moment(n),
            )
            for n, m in enumerate(members)
        )
        ProductArea.objects.count()


@pytest.mark.parametrize("who", ["superuser", "staff"])
def test_the_dashboard_costs_the_same_queries_for_10_or_500_rows(
    client_a, tenant_a, member_factory, clock, django_assert_max_num_queries, who
):
    if who == "superuser":
        member = member_factory(tenant_a, staff=True, mfa=True)
    else:
        member = _staff(
            tenant_a, member_factory, "access_admin", "view_course_reports", email="v@a.localhost"
        )
    with tenant_a.activate():
        client_a.force_login(member)
    budget = QUERY_BUDGET if who == "superuser" else QUERY_BUDGET + SIDEBAR_PERMISSION_QUERIES
    counts, csv_counts = [], []
    for count in (10, 500):
        _grow(tenant_a, count)
        client_a.get(URL)  # warm the per-portal caches and the session's MFA check
        with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as q:
            response = client_a.get(URL + "?weeks=26")
        assert response.status_code == HTTPStatus.OK
        counts.append(len(q))
        with CaptureQueriesContext(connection) as q:
            assert client_a.get(f"{URL}ideas.csv?weeks=26").status_code == HTTPStatus.OK
        csv_counts.append(len(q))
    print(f"service dashboard ({who}): {counts} queries; ideas CSV: {csv_counts}")
    assert counts[0] == counts[1] <= budget
    assert csv_counts[0] == csv_counts[1] <= QUERY_BUDGET
