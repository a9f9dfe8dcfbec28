"""Routing by host name: each portal on its own host, the operator's page on the bare host."""

from http import HTTPStatus

from django.test import Client

from wagtail.models import Page

import pytest

from portal.models import HomePage

pytestmark = pytest.mark.django_db


def test_each_portal_host_serves_its_own_home_page(client_a, client_b):
    page_a = client_a.get("/")
    page_b = client_b.get("/")
    assert page_a.status_code == page_b.status_code == HTTPStatus.OK
    assert "Alpha Academy" in page_a.text and "Beta Learning" not in page_a.text
    assert "Beta Learning" in page_b.text and "Alpha Academy" not in page_b.text


def test_the_port_in_the_host_does_not_matter(tenant_a):
    response = Client(HTTP_HOST=f"{tenant_a.domain}:8000").get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Alpha Academy" in response.text


def test_an_unknown_host_gets_a_friendly_not_found_page(tenant_a):
    response = Client(HTTP_HOST="nobody.localhost").get("/courses/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "nobody.localhost" in response.text
    assert "<h1" in response.text


def test_the_bare_host_serves_the_operators_landing_page_and_admin(tenant_a):
    landing = Client(HTTP_HOST="localhost").get("/")
    assert landing.status_code == HTTPStatus.OK
    assert "Alpha Academy" in landing.text
    admin = Client(HTTP_HOST="localhost").get("/admin/")
    assert admin.status_code == HTTPStatus.FOUND
    assert admin["Location"].startswith("/admin/login/")


def test_wagtail_admin_on_a_portal_asks_for_sign_in(client_a):
    response = client_a.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_a_page_published_in_one_portal_is_not_found_on_another(tenant_a, client_a, client_b):
    with tenant_a.activate():
        home = HomePage.objects.get()
        home.add_child(instance=Page(title="Alpha only", slug="alpha-only"))
    assert client_a.get("/alpha-only/").status_code == HTTPStatus.OK
    assert client_b.get("/alpha-only/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("path", ["/courses/", "/certification/", "/community/"])
def test_each_section_answers_on_a_portal_and_not_on_the_bare_host(client_a, path):
    assert client_a.get(path).status_code == HTTPStatus.OK
    assert Client(HTTP_HOST="localhost").get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("host", ["localhost", "a.localhost"])
def test_health_check_answers_on_the_operators_host_and_on_portals(tenant_a, host):
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.text == "ok"
