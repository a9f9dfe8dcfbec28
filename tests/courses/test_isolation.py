"""A portal's courses, enrolments and progress never show or change on another portal."""

import json
from http import HTTPStatus

import pytest

from courses.models import LessonProgress
from courses.services import enrollment_create
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_a(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Alpha secrets", lessons=2, video=True)
        enrollment_create(member=member, course=course)
        lesson = course.get_children().first()
        urls = {"course": course.url, "lesson": lesson.url}
    return member, course, lesson, urls


def test_a_course_and_lesson_of_a_is_not_found_on_b(client_b, course_a):
    _, _, _, urls = course_a
    for url in urls.values():
        assert client_b.get(url).status_code == HTTPStatus.NOT_FOUND
    assert "Alpha secrets" not in client_b.get("/courses/").text


def test_bs_dashboard_does_not_show_as_enrolments(client_b, tenant_b, member_factory, course_a):
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    html = client_b.get("/learning/").text
    assert "Alpha secrets" not in html and "not enrolled in any course" in html


def test_actions_on_as_ids_are_refused_on_b(client_b, tenant_b, tenant_a, member_factory, course_a):
    _, course, lesson, _ = course_a
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    ping = client_b.post(
        "/learning/progress/",
        json.dumps({"lesson": lesson.pk, "position": 50, "duration": 50}),
        content_type="application/json",
    )
    assert ping.status_code == HTTPStatus.NOT_FOUND
    assert client_b.post(f"/learning/enrol/{course.pk}/").status_code == HTTPStatus.NOT_FOUND
    done = client_b.post(f"/learning/lessons/{lesson.pk}/done/")
    assert done.status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        assert not LessonProgress.objects.exists()
