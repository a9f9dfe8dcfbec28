"""One portal's announcements never appear on another's pages, feed or banner."""

from http import HTTPStatus

import pytest

from tests.factories.portal import make_announcement

pytestmark = pytest.mark.django_db


def test_announcements_of_portal_a_are_invisible_on_portal_b(client_a, client_b, tenant_a):
    with tenant_a.activate():
        make_announcement(title="Alpha only news", slug="alpha-only")
        make_announcement(title="Alpha only outage", slug="alpha-outage", kind="incident")
    assert "Alpha only news" in client_a.get("/announcements/").content.decode()
    assert "Alpha only outage" in client_a.get("/").content.decode()  # banner on A
    for path in ("/", "/announcements/", "/announcements/feed/", "/courses/"):
        body = client_b.get(path).content.decode()
        assert "Alpha only" not in body, path
    assert client_b.get("/announcements/alpha-only/").status_code == HTTPStatus.NOT_FOUND


def test_not_found_on_a_portal_uses_its_shell(client_a):
    response = client_a.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "We can’t find that page" in html and "Alpha Academy" in html
