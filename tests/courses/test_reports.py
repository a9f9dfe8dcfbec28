"""Course reports in the Wagtail admin: the figures, the CSV files, who may see them, budgets."""

import csv
import io
import itertools
from http import HTTPStatus

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses.models import CoursePage, LessonPage
from courses.services import enrollment_create, lesson_complete
from tests.factories.accounts import make_member
from tests.factories.courses import make_course, make_feedback

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
# Wagtail's sidebar asks three more queries for a non-superuser on every admin page (their
# group page, collection and site permissions), whatever the page: measured, not ours to cut.
SIDEBAR_PERMISSION_QUERIES = 3
INDEX = "/admin/reports/courses/"
PATHS = ["", "courses.csv", "{id}/", "{id}/lessons.csv", "{id}/responses.csv"]
_numbers = itertools.count(1)


def _course_url(course) -> str:
    return f"{INDEX}{course.pk}/"


def _grant(member, *codenames: str) -> None:
    for codename in codenames:
        member.user_permissions.add(Permission.objects.get(codename=codename))


@pytest.fixture
def reporter(client_a, tenant_a, member_factory):
    """A staff member of portal A (not a superuser) allowed to see course reports, signed in."""
    member = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        _grant(member, "access_admin", "view_course_reports")
        client_a.force_login(member)
    return member


def _member(**fields):
    return make_member(email=f"learner{next(_numbers)}@reports.test", **fields)


@pytest.fixture
def alpha(tenant_a):
    """A hand-checkable course: 6 enrolments, 4 completions and answers, one halfway, one idle.

    Answers to "recommend": 10 and 9 (promoters), 7 (passive), 3 (detractor): NPS 25.
    Lessons done: 4 x 2 + 1 = 9 of 6 x 2 = 12, so the average progress is 75%.
    """
    with tenant_a.activate():
        course = make_course(title="Alpha", lessons=2)
        make_course(title="Beta", lessons=1)
        answers = [
            (10, 5, 5, 3, "Great <script>alert(1)</script> course"),
            (9, 4, 5, 3, '=HYPERLINK("http://evil.example")'),
            (7, 4, 4, 3, ""),
            (3, 3, 2, 3, "-2+3 too fast"),
        ]
        for recommend, content, instructor, pace, comment in answers:
            make_feedback(
                member=_member(),
                course=course,
                recommend=recommend,
                content_rating=content,
                instructor_rating=instructor,
                pace_rating=pace,
                comment=comment,
            )
        halfway, idle = _member(), _member()
        for member in (halfway, idle):
            enrollment_create(member=member, course=course)
        lesson_complete(member=halfway, lesson=LessonPage.objects.child_of(course).first())
    return course


def _row(response, title: str):
    return next(report for report in response.context["reports"] if report.title == title)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_index_counts_enrolments_completion_progress_and_survey(client_a, reporter, alpha):
    response = client_a.get(INDEX)
    assert response.status_code == HTTPStatus.OK
    report = _row(response, "Alpha")
    assert (report.enrollments, report.completions, report.lessons) == (6, 4, 2)
    assert report.completion_rate == pytest.approx(66.7)
    assert report.average_progress == 75
    assert report.responses == 4
    assert (report.content, report.instructor, report.pace) == (4.0, 4.0, 3.0)
    assert report.nps == 25
    beta = _row(response, "Beta")
    assert (beta.enrollments, beta.responses, beta.nps, beta.completion_rate) == (0, 0, None, None)
    html = response.content.decode()
    assert "66.7%" in html and "75%" in html
    assert '<th scope="col">NPS</th>' in html


def test_a_course_shows_its_drop_off_per_lesson_in_order(client_a, tenant_a, reporter, alpha):
    response = client_a.get(_course_url(alpha))
    assert response.status_code == HTTPStatus.OK
    lessons = response.context["lessons"]
    assert [lesson.title for lesson in lessons] == ["Alpha lesson 1", "Alpha lesson 2"]
    assert [(lesson.started, lesson.completed) for lesson in lessons] == [(5, 5), (4, 4)]
    assert [lesson.completed_percent for lesson in lessons] == [83.3, 66.7]


def test_a_course_shows_the_spread_of_answers_and_escaped_comments(client_a, reporter, alpha):
    response = client_a.get(_course_url(alpha))
    content, instructor, pace, recommend = response.context["distributions"]
    assert content.counts == [(1, 0), (2, 0), (3, 1), (4, 2), (5, 1)]
    assert instructor.average == 4.0
    assert pace.counts[2] == (3, 4)
    assert dict(recommend.counts) == {**{n: 0 for n in range(11)}, 3: 1, 7: 1, 9: 1, 10: 1}
    html = response.content.decode()
    assert "Great &lt;script&gt;alert(1)&lt;/script&gt; course" in html
    assert "<script>alert(1)" not in html
    assert len(response.context["comments"].object_list) == 3  # the empty comment is left out


def test_comments_are_paginated_and_a_bad_page_number_is_harmless(client_a, tenant_a, reporter):
    with tenant_a.activate():
        course = make_course(title="Chatty", lessons=1)
        for number in range(23):
            make_feedback(member=_member(), course=course, comment=f"Comment number {number}")
    first = client_a.get(_course_url(course))
    assert len(first.context["comments"].object_list) == 20
    assert "Comment number 22" in first.content.decode()  # newest first
    second = client_a.get(_course_url(course), {"page": "2"})
    assert len(second.context["comments"].object_list) == 3
    for page in ("abc", "-1", "999"):
        assert client_a.get(_course_url(course), {"page": page}).status_code == HTTPStatus.OK


def test_empty_states_are_readable(client_a, tenant_a, reporter):
    assert "No courses yet." in client_a.get(INDEX).content.decode()
    with tenant_a.activate():
        course = make_course(title="Quiet", lessons=0)
    html = client_a.get(_course_url(course)).content.decode()
    assert "No responses yet." in html
    assert "No comments yet." in html
    assert "This course has no published lessons yet." in html


def test_the_index_downloads_as_csv(client_a, reporter, alpha):
    response = client_a.get(f"{INDEX}courses.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="course-reports-')
    header, *rows = _csv_rows(response)
    assert header[:6] == [
        "Course", "Published", "Lessons", "Enrolments", "Completions", "Completion rate (%)",
    ]  # fmt: skip
    assert rows == [
        ["Alpha", "yes", "2", "6", "4", "66.7", "75.0", "4", "4.0", "4.0", "3.0", "25"],
        ["Beta", "yes", "1", "0", "0", "", "", "0", "", "", "", ""],
    ]


def test_a_negative_nps_stays_a_number_in_the_csv(client_a, tenant_a, reporter):
    with tenant_a.activate():
        course = make_course(title="Gloomy", lessons=1)
        make_feedback(member=_member(), course=course, recommend=2)
    (row,) = _csv_rows(client_a.get(f"{INDEX}courses.csv"))[1:]
    assert row[-1] == "-100"


def test_the_drop_off_downloads_as_csv(client_a, reporter, alpha):
    response = client_a.get(f"{_course_url(alpha)}lessons.csv")
    assert 'filename="alpha-lessons-' in response["Content-Disposition"]
    assert _csv_rows(response) == [
        ["Position", "Lesson", "Started", "Started (%)", "Completed", "Completed (%)"],
        ["1", "Alpha lesson 1", "5", "83.3", "5", "83.3"],
        ["2", "Alpha lesson 2", "4", "66.7", "4", "66.7"],
    ]


def test_the_answers_download_as_csv_with_formulas_defused(client_a, reporter, alpha):
    response = client_a.get(f"{_course_url(alpha)}responses.csv")
    assert 'filename="alpha-responses-' in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[-2:] == ["Likely to recommend (0-10)", "Comment"]
    assert [row[2:6] for row in rows] == [
        ["5", "5", "3", "10"], ["4", "5", "3", "9"], ["4", "4", "3", "7"], ["3", "2", "3", "3"],
    ]  # fmt: skip
    comments = [row[-1] for row in rows]
    assert comments[1] == '\'=HYPERLINK("http://evil.example")'
    assert comments[3] == "'-2+3 too fast"
    assert comments[0] == "Great <script>alert(1)</script> course"
    assert all("@" not in cell for row in rows for cell in row)  # no member email


@pytest.mark.parametrize("kind", ["learner", "anonymous", "staff without the permission"])
@pytest.mark.parametrize("path", PATHS)
def test_only_staff_allowed_to_see_reports_get_them(
    client_a, tenant_a, member_factory, alpha, kind, path
):
    if kind == "learner":
        member = member_factory(tenant_a)
    elif kind == "staff without the permission":
        member = member_factory(tenant_a, mfa=True)
        with tenant_a.activate():
            _grant(member, "access_admin")
    if kind != "anonymous":
        with tenant_a.activate():
            client_a.force_login(member)
    response = client_a.get(INDEX + path.format(id=alpha.pk))
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert "Alpha" not in response.content.decode()
    if kind == "staff without the permission":
        assert response["Location"] == "/admin/"
    else:
        assert response["Location"].startswith("/accounts/login/")


def test_superusers_see_reports_and_the_menu_offers_them(client_a, tenant_a, member_factory):
    admin = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(admin)
    assert client_a.get(INDEX).status_code == HTTPStatus.OK
    assert INDEX in client_a.get("/admin/").content.decode()


def test_the_menu_hides_reports_from_staff_without_the_permission(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        _grant(member, "access_admin")
        client_a.force_login(member)
    assert INDEX not in client_a.get("/admin/").content.decode()


def test_a_course_of_portal_a_has_no_report_on_portal_b(client_b, tenant_b, member_factory, alpha):
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
    for path in ("", "lessons.csv", "responses.csv"):
        assert client_b.get(f"{_course_url(alpha)}{path}").status_code == HTTPStatus.NOT_FOUND
    assert "Alpha" not in client_b.get(INDEX).content.decode()
    assert "Alpha" not in client_b.get(f"{INDEX}courses.csv").content.decode()


def _grow(*, courses: int, lessons: int, learners: int) -> None:
    """``courses`` courses of ``lessons`` lessons, each completed and answered by ``learners``."""
    for number in range(CoursePage.objects.count(), courses):
        course = make_course(title=f"Course {number}", lessons=lessons)
        for _ in range(learners):
            make_feedback(member=_member(), course=course, comment=f"Fine {number}")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["superuser", "reporter"])
def test_reports_stay_within_budget_whatever_the_numbers(
    client_a, tenant_a, member_factory, path, who
):
    if who == "superuser":
        member = member_factory(tenant_a, staff=True, mfa=True)
    else:
        member = member_factory(tenant_a, mfa=True)
        with tenant_a.activate():
            _grant(member, "access_admin", "view_course_reports")
    with tenant_a.activate():
        client_a.force_login(member)
    counts = []
    for courses, lessons, learners in ((1, 1, 1), (4, 4, 4)):
        with tenant_a.activate():
            _grow(courses=courses, lessons=lessons, learners=learners)
            url = INDEX + path.format(id=CoursePage.objects.order_by("-pk").first().pk)
        client_a.get(url)  # warm the per-portal caches and the session's MFA check
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(url)
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    print(f"{who} {path or 'index'}: {counts} queries")
    budget = QUERY_BUDGET if who == "superuser" else QUERY_BUDGET + SIDEBAR_PERMISSION_QUERIES
    assert counts[0] == counts[1] <= budget
