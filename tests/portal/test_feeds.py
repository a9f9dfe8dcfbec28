"""The Atom feed of a portal's announcements."""

import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest

from tests.factories.portal import add_update, make_announcement

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_is_atom_with_an_entry_per_post_and_incident_status_in_titles(client_a, tenant_a):
    with tenant_a.activate():
        make_announcement(title="Release 4.2 is out")
        incident = make_announcement(title="Search outage", kind="incident")
        add_update(incident, status="monitoring", message="Fixed, watching.")
    response = client_a.get("/announcements/feed/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Alpha Academy: announcements"
    entries = root.findall(f"{ATOM}entry")
    titles = {entry.findtext(f"{ATOM}title") for entry in entries}
    assert titles == {"Release 4.2 is out", "[Monitoring] Search outage"}
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert "http://a.localhost/announcements/release-42-is-out/" in links


def test_index_lists_posts_and_links_the_feed(client_a, tenant_a):
    with tenant_a.activate():
        make_announcement(title="Hello world", summary="First post.")
    html = client_a.get("/announcements/").content.decode()
    assert "Hello world" in html and "First post." in html
    assert 'href="/announcements/feed/"' in html


def test_index_pages_through_posts_twenty_at_a_time(client_a, tenant_a):
    with tenant_a.activate():
        for number in range(21):
            make_announcement(title=f"Item {number:02d}")
    first = client_a.get("/announcements/").content.decode()
    assert first.count('class="post-card"') == 20
    assert 'href="?page=2"' in first
    second = client_a.get("/announcements/?page=2").content.decode()
    assert second.count('class="post-card"') == 1
    assert client_a.get("/announcements/?page=x").status_code == HTTPStatus.OK


def test_a_restricted_post_is_left_out_of_lists_and_the_feed(client_a, tenant_a):
    from wagtail.models import PageViewRestriction

    with tenant_a.activate():
        make_announcement(title="Public post")
        private = make_announcement(title="Partners only")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    for path in ("/announcements/", "/announcements/feed/", "/"):
        body = client_a.get(path).content.decode()
        assert "Partners only" not in body, path
    assert "Public post" in client_a.get("/announcements/feed/").content.decode()
