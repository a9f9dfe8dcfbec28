"""The learner's actions over HTTP: enrol, progress pings, mark as done, My learning."""

import json
from http import HTTPStatus

import pytest

from courses.models import Enrollment, LessonProgress
from courses.services import INVALID_NUMBER, NEGATIVE_NUMBER, enrollment_create, lesson_complete
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)


@pytest.fixture
def enrolled(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Video course", lessons=2, video=True)
        enrollment_create(member=member, course=course)
        lesson = course.get_children().first()
    _login(client_a, tenant_a, member)
    return member, course, lesson


def _ping(client, **data):
    return client.post("/learning/progress/", json.dumps(data), content_type="application/json")


def test_enrolment_is_one_click_and_a_second_click_changes_nothing(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=1)
        url = course.url
    _login(client_a, tenant_a, member)
    for _ in range(2):
        response = client_a.post(f"/learning/enrol/{course.pk}/")
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == url
    with tenant_a.activate():
        assert Enrollment.objects.filter(member=member, course=course).count() == 1
    page = client_a.get(url).text
    assert "Start the course" in page and "Enrol for free" not in page


def test_enrolment_needs_sign_in(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=1)
    response = client_a.post(f"/learning/enrol/{course.pk}/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
    assert client_a.get(f"/learning/enrol/{course.pk}/").status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.METHOD_NOT_ALLOWED,
    )


def test_a_ping_records_progress_as_json_or_form(client_a, tenant_a, enrolled):
    member, _, lesson = enrolled
    response = _ping(client_a, lesson=lesson.pk, position=30, duration=100)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"position": 30, "furthest": 30, "duration": 100, "completed": False}
    response = client_a.post(
        "/learning/progress/", {"lesson": lesson.pk, "position": "95.5", "duration": "100"}
    )
    assert response.json()["completed"] is True
    with tenant_a.activate():
        assert LessonProgress.objects.get(member=member, lesson=lesson).furthest_seconds == 95.5


def test_a_ping_beyond_the_end_is_clamped(client_a, enrolled):
    _, _, lesson = enrolled
    response = _ping(client_a, lesson=lesson.pk, position=1e9, duration=60)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["position"] == 60


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("NaN", INVALID_NUMBER),
        ("Infinity", INVALID_NUMBER),
        ("ten", INVALID_NUMBER),
        ([1], INVALID_NUMBER),
        (-3, NEGATIVE_NUMBER),
    ],
)
def test_bad_pings_get_400_with_a_message_and_change_nothing(
    client_a, tenant_a, enrolled, position, message
):
    member, _, lesson = enrolled
    _ping(client_a, lesson=lesson.pk, position=12, duration=100)
    response = _ping(client_a, lesson=lesson.pk, position=position, duration=100)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"error": message}
    with tenant_a.activate():
        row = LessonProgress.objects.get(member=member, lesson=lesson)
    assert (row.position_seconds, row.furthest_seconds) == (12, 12)


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"lesson": "x"}', "{}"])
def test_malformed_pings_are_refused_without_a_server_error(client_a, enrolled, body):
    response = client_a.post("/learning/progress/", body, content_type="application/json")
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)


def test_pings_need_sign_in_and_an_enrolment(client_a, tenant_a, member_factory):
    with tenant_a.activate():
        course = make_course(title="Video course", lessons=1, video=True)
        lesson = course.get_children().first()
    assert _ping(client_a, lesson=lesson.pk, position=1, duration=10).status_code == 403
    _login(client_a, tenant_a, member_factory(tenant_a))
    response = _ping(client_a, lesson=lesson.pk, position=1, duration=10)
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_mark_as_done_completes_a_text_lesson(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Reading", lessons=1)
        enrollment_create(member=member, course=course)
        lesson = course.get_children().first()
        url = lesson.url
    _login(client_a, tenant_a, member)
    response = client_a.post(f"/learning/lessons/{lesson.pk}/done/")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == url
    page = client_a.get(url).text
    assert "You completed this lesson." in page and "Mark as done" not in page
    with tenant_a.activate():
        assert Enrollment.objects.get(member=member).completed_at is not None


def test_marking_a_video_lesson_done_shows_a_message_not_an_error(client_a, enrolled):
    _, _, lesson = enrolled
    response = client_a.post(f"/learning/lessons/{lesson.pk}/done/", follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "watched 90%" in response.text


def test_my_learning_lists_enrolled_courses_with_progress_and_continue(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        started = make_course(title="Started", lessons=2)
        make_course(title="Not enrolled", lessons=1)
        enrollment_create(member=member, course=started)
        first = started.get_children().specific().first()
        lesson_complete(member=member, lesson=first)
        first_url = first.url
    _login(client_a, tenant_a, member)
    html = client_a.get("/learning/").text
    assert "Started" in html and "Not enrolled" not in html
    assert '<progress max="100" value="50"' in html
    assert f'href="{first_url}">Continue where you left off' in html
    catalog = client_a.get("/courses/").text
    assert '<progress max="100" value="50"' in catalog and 'href="/learning/"' in catalog


def test_my_learning_needs_sign_in(client_a):
    response = client_a.get("/learning/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
