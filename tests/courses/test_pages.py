"""The catalog, course outline and lesson pages, for anonymous visitors and learners."""

from http import HTTPStatus

import pytest

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services import enrollment_create, lesson_complete
from tests.factories.courses import make_course, make_lesson

pytestmark = pytest.mark.django_db


def _login(client, tenant, member):
    with tenant.activate():
        client.force_login(member)


def test_without_a_catalog_page_courses_shows_an_empty_state(client_a, tenant_a):
    with tenant_a.activate():  # every new portal has one: staff may have deleted it
        CourseIndexPage.objects.all().delete()
    response = client_a.get("/courses/")
    assert response.status_code == HTTPStatus.OK
    assert "No courses are published yet" in response.text


def test_anonymous_visitors_see_the_catalog_and_a_course_outline(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Kubernetes basics", lessons=2, level="intermediate")
        course.tags.add("containers")
        course.save()
        course_url = course.url
    catalog = client_a.get("/courses/")
    assert catalog.status_code == HTTPStatus.OK
    assert "Kubernetes basics" in catalog.text and "Intermediate" in catalog.text
    assert '<a href="/courses/" aria-current="page">Courses</a>' in catalog.text
    outline = client_a.get(course_url)
    assert outline.status_code == HTTPStatus.OK
    assert (
        "Kubernetes basics lesson 1" in outline.text
        and "Kubernetes basics lesson 2" in outline.text
    )
    assert "Sign in to enrol" in outline.text and "Preview" in outline.text


def test_a_preview_lesson_is_open_to_anonymous_visitors(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        url = course.get_children().first().url
    response = client_a.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "Body of Basics lesson 1." in response.text
    assert "Mark as done" not in response.text


def test_other_lessons_ask_anonymous_visitors_to_sign_in(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        url = course.get_children().last().url
    response = client_a.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "Body of Basics lesson 2." not in response.text
    assert f"/accounts/login/?next={url}" in response.text


def test_a_signed_in_member_not_enrolled_is_offered_enrolment(client_a, tenant_a, member_factory):
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        url = course.get_children().last().url
    _login(client_a, tenant_a, member_factory(tenant_a))
    response = client_a.get(url)
    assert "Body of Basics lesson 2." not in response.text
    assert f'action="/learning/enrol/{course.pk}/"' in response.text


def test_an_enrolled_member_reads_lessons_with_progress_and_mark_as_done(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Basics", lessons=2)
        first, second = course.get_children().specific()
        enrollment_create(member=member, course=course)
        lesson_complete(member=member, lesson=first)
        url = second.url
    _login(client_a, tenant_a, member)
    response = client_a.get(url)
    assert "Body of Basics lesson 2." in response.text
    assert f'action="/learning/lessons/{second.pk}/done/"' in response.text
    assert '<progress max="100" value="50"' in response.text


def test_video_lesson_renders_player_captions_and_progress_script(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Video course", lessons=1, video=True)
        enrollment_create(member=member, course=course)
        url = course.get_children().get().url
    _login(client_a, tenant_a, member)
    html = client_a.get(url).text
    assert '<video controls preload="metadata"' in html
    assert "/static/courses/player.js" in html
    assert 'data-progress-url="/learning/progress/"' in html
    assert "Mark as done" not in html


def test_code_knowledge_check_and_sections_render(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Blocks", lessons=0)
        lesson = make_lesson(course, title="Code", is_preview=True, section="Getting started")
        lesson.body = [
            ("code", {"language": "python", "code": "print('<hi>')", "caption": ""}),
            (
                "knowledge_check",
                {
                    "question": "Which is a Python keyword?",
                    "choices": [
                        {"text": "lambda", "correct": True, "explanation": "It makes a function."},
                        {"text": "func", "correct": False, "explanation": "That is Go."},
                    ],
                },
            ),
        ]
        lesson.save_revision().publish()
        url = lesson.url
    html = client_a.get(url).text
    assert '<pre class="highlight"><code class="language-python">' in html
    assert "&lt;hi&gt;" in html and "<hi>" not in html
    assert "<details>" in html and "It makes a function." in html
    assert "Getting started" in html


def test_page_nesting(tenant_a):
    with tenant_a.activate():
        course = make_course(title="Nesting", lessons=1)
        assert CoursePage.can_create_at(CourseIndexPage.objects.get())
        assert LessonPage.can_create_at(course)
        assert not LessonPage.can_create_at(CourseIndexPage.objects.get())


def test_a_course_shows_its_outcomes_topics_and_prerequisites(client_a, tenant_a):
    with tenant_a.activate():
        basics = make_course(title="Basics", lessons=1)
        course = make_course(title="Advanced", lessons=1, outcomes="Tune it\nScale it")
        course.prerequisites.add(basics)
        course.tags.add("performance")
        course.save_revision().publish()
        url = course.url
    html = client_a.get(url).text
    assert "<li>Tune it</li>" in html and "<li>Scale it</li>" in html
    assert "performance" in html
    assert '<a href="/courses/basics/">Basics</a>' in html


def test_lessons_of_an_unpublished_course_are_not_found(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Hidden", lessons=1)
        url = course.get_children().first().url
        course.unpublish()
    assert client_a.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_a.get("/courses/hidden/").status_code == HTTPStatus.NOT_FOUND
    assert client_a.get("/courses/hidden/hidden-lesson-1/extra/").status_code == 404
