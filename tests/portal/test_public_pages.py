"""The operator's pages on the public schema: the landing page and the unknown-host page."""

from http import HTTPStatus

from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


def test_landing_page_lists_the_portals_with_links_on_the_same_port(tenant_a, tenant_b):
    response = Client(HTTP_HOST="localhost:8000").get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Guildhall" in html
    assert 'href="http://a.localhost:8000/"' in html and "Alpha Academy" in html
    assert 'href="http://b.localhost:8000/"' in html and "Beta Learning" in html


def test_unknown_host_gets_a_friendly_self_contained_404():
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "There is no portal at this address" in html and "nobody.localhost" in html
    assert "<style>" in html and "/static/" not in html  # static files are not served there


def test_not_found_on_the_operator_host_does_not_touch_wagtail():
    response = Client(HTTP_HOST="localhost").get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()
