"""Catalog, course, lesson and dashboard pages: at most 12 queries, whatever the numbers."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses.models import CoursePage
from courses.services import enrollment_create, lesson_complete
from tests.factories.courses import make_course, make_lesson

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


def _count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def _grow(member, *, courses: int, lessons: int) -> None:
    """Courses with ``lessons`` lessons each (one done), the member enrolled in all of them."""
    have = CoursePage.objects.count()
    for number in range(have, courses):
        course = make_course(title=f"Course {number}", lessons=0)
        course.tags.add("alpha", "beta")
        course.save()
    for course in CoursePage.objects.all():
        present = course.get_children().count()
        for number in range(present, lessons):
            make_lesson(course, title=f"{course.title} lesson {number}", is_preview=number == 0)
        enrollment_create(member=member, course=course)
        lesson_complete(member=member, lesson=course.get_children().specific().first())


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("page", ["catalog", "catalog_filtered", "course", "lesson", "dashboard"])
def test_pages_stay_within_budget_whatever_the_number_of_courses(
    client_a, tenant_a, member_factory, django_assert_max_num_queries, page, signed_in
):
    if page == "dashboard" and not signed_in:
        pytest.skip("My learning is for signed-in members")
    member = member_factory(tenant_a)
    if signed_in:
        with tenant_a.activate():
            client_a.force_login(member)
    counts = []
    for courses, lessons in ((3, 3), (10, 10)):
        with tenant_a.activate():
            _grow(member, courses=courses, lessons=lessons)
            course = CoursePage.objects.order_by("path").first()
            path = {
                "catalog": "/courses/",
                "catalog_filtered": "/courses/?q=lesson&topic=alpha&level=beginner&language=en"
                "&sort=enrolled",
                "course": course.url,
                "lesson": course.get_children().order_by("path")[1].url,
                "dashboard": "/learning/",
            }[page]
        client_a.get(path)  # warm the per-portal caches (site root paths)
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_count_queries(client_a, path))
    assert counts[0] == counts[1]
    print(f"{page} signed_in={signed_in}: {counts[0]} queries")
