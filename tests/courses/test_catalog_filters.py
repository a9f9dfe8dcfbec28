"""The catalog's search, filters and sort: what a visitor finds at /courses/?…"""

import re
from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

import pytest

from courses.models import CourseIndexPage, LessonPage, LiveSessionPage
from courses.selectors import catalog_page, catalog_topics
from courses.services import enrollment_create
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"/courses/{query}")
    assert response.status_code == HTTPStatus.OK
    return re.findall(r'class="card__link" href="[^"]*">([^<]+)</a>', response.text)


@pytest.fixture
def catalog(tenant_a, member_factory):
    """Three courses published in order: Kubernetes, Python, Security."""
    with tenant_a.activate():
        kube = make_course(
            title="Kubernetes basics",
            summary="Run containers in a cluster.",
            level="beginner",
            lessons=1,
            video=True,
        )
        kube.tags.add("ops")
        kube.save_revision().publish()
        python = make_course(
            title="Python testing",
            summary="Write tests with pytest.",
            outcomes="Use fixtures\nParametrize tests",
            level="intermediate",
            language="de",
            lessons=0,
        )
        python.add_child(
            instance=LessonPage(
                title="Mocking", slug="mocking", body=[("paragraph", "<p>Patch the zeppelin.</p>")]
            )
        )
        python.tags.add("dev")
        python.save_revision().publish()
        security = make_course(title="Secure coding", summary="Avoid injection.", lessons=1)
        security.tags.add("dev", "security")
        security.save_revision().publish()
        for _ in range(2):
            enrollment_create(member=member_factory(tenant_a), course=security)
        enrollment_create(member=member_factory(tenant_a), course=python)
    return kube, python, security


def test_the_catalog_lists_the_newest_course_first_by_default(client_a, catalog):
    assert _titles(client_a) == ["Secure coding", "Python testing", "Kubernetes basics"]


def test_most_enrolled_sorts_by_the_number_of_enrolments(client_a, catalog):
    assert _titles(client_a, "?sort=enrolled") == [
        "Secure coding",
        "Python testing",
        "Kubernetes basics",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?level=intermediate", ["Python testing"]),
        ("?language=de", ["Python testing"]),
        ("?topic=dev", ["Secure coding", "Python testing"]),
        ("?topic=dev&level=beginner", ["Secure coding"]),
        ("?format=video", ["Kubernetes basics"]),
    ],
)
def test_filters_narrow_the_list(client_a, catalog, query, expected):
    assert _titles(client_a, query) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("kubernetes", ["Kubernetes basics"]),  # title
        ("injection", ["Secure coding"]),  # summary
        ("parametrize", ["Python testing"]),  # outcomes
        ("ops", ["Kubernetes basics"]),  # tag
        ("zeppelin", ["Python testing"]),  # the text of a lesson
        ("zeppelin kubernetes", []),  # every word must match
    ],
)
def test_search_finds_courses_by_their_fields_and_their_lessons_text(
    client_a, catalog, words, expected
):
    assert _titles(client_a, f"?q={words}") == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(LiveSessionPage.LIVE, ["Python testing"]), (LiveSessionPage.CLASSROOM, ["Secure coding"])],
)
def test_format_finds_courses_with_live_or_classroom_sessions(
    client_a, tenant_a, catalog, kind, expected
):
    _, python, security = catalog
    starts = timezone.now() + timedelta(days=7)
    with tenant_a.activate():
        for course, session_kind in ((python, "live"), (security, "classroom")):
            course.add_child(
                instance=LiveSessionPage(
                    title=f"{course.title} session",
                    slug="session",
                    kind=session_kind,
                    expert="Ada",
                    summary="Questions and answers.",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    location="Room 1",
                )
            )
    assert _titles(client_a, f"?format={kind}") == expected


def test_search_combines_with_filters(client_a, catalog):
    assert _titles(client_a, "?q=zeppelin&level=beginner") == []
    assert _titles(client_a, "?q=zeppelin&level=intermediate") == ["Python testing"]


@pytest.mark.parametrize(
    "query",
    [
        "?level=wizard",
        "?sort=random",
        "?topic=no-such-topic",
        "?format=hologram",
        "?language=xx",
        "?q=" + "a" * 5000,
        "?q=%22%27%26%7C!%28%29%3A*",
        "?q=%00",
        "?level=beginner&level=advanced",
    ],
)
def test_bad_input_is_ignored_not_an_error(client_a, catalog, query):
    titles = _titles(client_a, query)
    assert isinstance(titles, list)


def test_unknown_choices_are_ignored_and_the_rest_applies(client_a, catalog):
    assert _titles(client_a, "?level=wizard&language=de") == ["Python testing"]


def test_the_form_is_labelled_and_keeps_the_choices(client_a, catalog):
    html = client_a.get("/courses/?q=kubernetes&level=beginner").text
    for name in ("q", "topic", "level", "language", "format", "sort"):
        assert f'<label for="id_{name}">' in html
    assert 'value="kubernetes"' in html
    assert '<option value="beginner" selected>' in html
    assert '<option value="security">security</option>' in html
    assert "1 course found" in html


def test_a_search_on_b_never_returns_as_courses(client_b, tenant_b, catalog):
    with tenant_b.activate():
        make_course(title="Kubernetes on B", lessons=1)
    assert _titles(client_b, "?q=kubernetes") == ["Kubernetes on B"]
    assert _titles(client_b, "?q=zeppelin") == []


def test_topics_are_the_same_with_or_without_the_catalog_pages_annotation(tenant_a, catalog):
    with tenant_a.activate():
        annotated = catalog_topics(index_page=catalog_page())
        plain = catalog_topics(index_page=CourseIndexPage.objects.get())
    assert annotated == plain == [("dev", "dev"), ("ops", "ops"), ("security", "security")]
