"""The home page's "Continue where you left off" strip and the "My learning" link."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

HEADING = "Continue where you left off"
QUERY_BUDGET = 12


@pytest.fixture
def learner(client_a, tenant_a, member_factory):
    """A signed-in member enrolled in five courses, the last one completed."""
    member = member_factory(tenant_a)
    with tenant_a.activate():
        for number in range(5):
            course = make_course(title=f"Course {number}", lessons=2)
            enrollment_create(member=member, course=course)
            lesson_complete(member=member, lesson=course.get_children().specific().first())
        for lesson in course.get_children().specific():
            lesson_complete(member=member, lesson=lesson)
        client_a.force_login(member)
    return member


def test_a_member_sees_up_to_three_unfinished_courses_with_continue_links(client_a, learner):
    html = client_a.get("/").text
    assert HEADING in html
    assert html.count("Continue<span") + html.count("Start<span") == 3
    assert "Course 4" not in html  # completed
    assert "1 of 2 lessons done" in html
    assert 'href="/learning/"' in html


def test_anonymous_visitors_get_no_strip_and_no_enrolment_query(client_a, tenant_a):
    with tenant_a.activate():
        make_course(title="Course", lessons=1)
    client_a.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client_a.get("/").text
    assert HEADING not in html
    assert not any("courses_enrollment" in query["sql"] for query in queries.captured_queries)


def test_a_member_without_enrolments_gets_no_strip(client_a, tenant_a, member_factory):
    with tenant_a.activate():
        client_a.force_login(member_factory(tenant_a))
    assert HEADING not in client_a.get("/").text


def test_the_header_links_signed_in_members_to_my_learning(client_a, tenant_a, member_factory):
    assert ">My learning</a>" not in client_a.get("/").text
    with tenant_a.activate():
        client_a.force_login(member_factory(tenant_a))
    assert ">My learning</a>" in client_a.get("/").text
    html = client_a.get("/learning/").text
    assert 'href="/learning/" aria-current="page">My learning</a>' in html


def test_the_home_page_stays_within_budget_with_the_strip(
    client_a, tenant_a, learner, django_assert_max_num_queries
):
    with tenant_a.activate():
        assert Enrollment.objects.filter(member=learner).count() == 5
    client_a.get("/")
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client_a.get("/")
    assert response.status_code == HTTPStatus.OK
