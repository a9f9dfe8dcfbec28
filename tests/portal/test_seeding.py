"""What a new portal starts with (``portal.seeding``): the course catalog at /courses/."""

from http import HTTPStatus

from django.test import Client

import pytest
from django_tenants.utils import schema_context

from courses.models import CourseIndexPage
from portal.models import HomePage
from portal.tenants.services import portal_create
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_portal():
    portal_create(
        slug="fresh-co", name="Fresh Co", domain="fresh-co.localhost", admin_email="a@fresh.test"
    )
    return Client(HTTP_HOST="fresh-co.localhost")


def test_a_new_portal_has_a_live_course_catalog_below_its_home_page(new_portal):
    with schema_context("fresh_co"):
        catalog = CourseIndexPage.objects.get()
        assert catalog.live and catalog.slug == "courses" and catalog.intro
        assert catalog.get_parent().specific_class is HomePage


def test_a_new_portal_serves_its_catalog_at_courses(new_portal):
    response = new_portal.get("/courses/")
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Courses</h1>" in response.text
    assert "Self-paced courses and live sessions" in response.text
    assert 'action="/courses/"' in response.text  # the catalog's filters, not the empty page


def test_the_home_pages_call_to_action_leads_to_the_catalog(new_portal):
    home = new_portal.get("/").text
    assert 'href="/courses/"' in home and "Browse courses" in home
    assert new_portal.get("/courses/").status_code == HTTPStatus.OK


def test_courses_published_on_a_new_portal_appear_in_its_catalog(new_portal):
    with schema_context("fresh_co"):
        make_course(title="First steps", lessons=1)
    assert "First steps" in new_portal.get("/courses/").text
