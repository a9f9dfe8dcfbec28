"""The site-wide incident banner: shown while an incident is open, updated, gone when resolved."""

from http import HTTPStatus

import pytest

from portal.models import AnnouncementPage
from tests.factories.portal import add_update, make_announcement

pytestmark = pytest.mark.django_db


def _banner(html: str) -> str:
    start = html.find('<aside class="incident-banner')
    return html[start : html.find("</aside>", start)] if start >= 0 else ""


def test_banner_follows_the_incident_from_first_report_to_resolution(client_a, tenant_a):
    with tenant_a.activate():
        incident = make_announcement(
            title="Video player down",
            kind=AnnouncementPage.KIND_INCIDENT,
            severity="critical",
            summary="Lesson videos do not play.",
        )
        add_update(incident, status="investigating", message="Videos fail to load.", minutes_ago=30)

    banner = _banner(client_a.get("/courses/").content.decode())
    assert "Video player down" in banner and "Videos fail to load." in banner
    assert "incident-banner--critical" in banner and "Investigating" in banner
    assert 'href="/announcements/video-player-down/"' in banner

    with tenant_a.activate():
        add_update(incident, status="identified", message="A CDN certificate expired.")
    banner = _banner(client_a.get("/").content.decode())
    assert "A CDN certificate expired." in banner and "Identified" in banner
    assert "Videos fail to load." not in banner

    with tenant_a.activate():
        add_update(incident, status="resolved", message="Videos play again.")
    for path in ("/", "/courses/", "/announcements/"):
        assert _banner(client_a.get(path).content.decode()) == ""


def test_a_new_incident_without_updates_shows_its_summary(client_a, tenant_a):
    with tenant_a.activate():
        make_announcement(title="Slow exams", kind="incident", summary="Exams load slowly.")
    banner = _banner(client_a.get("/").content.decode())
    assert "Slow exams" in banner and "Exams load slowly." in banner


def test_news_posts_never_show_a_banner(client_a, tenant_a):
    with tenant_a.activate():
        make_announcement(title="New course")
    assert _banner(client_a.get("/").content.decode()) == ""


def test_the_post_shows_its_timeline_newest_first_with_times(client_a, tenant_a):
    with tenant_a.activate():
        incident = make_announcement(title="Login errors", kind="incident")
        add_update(incident, status="investigating", message="First look.", minutes_ago=90)
        add_update(incident, status="monitoring", message="Fix deployed.", minutes_ago=10)
    response = client_a.get("/announcements/login-errors/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.index("Fix deployed.") < html.index("First look.")
    assert html.count("<time datetime=") >= 3  # the post's date and each update
    assert "Monitoring" in html and "Investigating" in html


def test_an_incident_needs_a_severity(tenant_a):
    from django.core.exceptions import ValidationError

    page = AnnouncementPage(title="x", slug="x", kind="incident", summary="s")
    with pytest.raises(ValidationError, match="severity"):
        page.clean()


def test_staff_dashboard_lists_open_incidents(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        incident = make_announcement(title="Queue backlog", kind="incident")
        add_update(incident, status="identified", message="Workers restarted.")
        client_a.force_login(staff)
    html = client_a.get("/admin/").content.decode()
    assert "Queue backlog" in html and "Workers restarted." in html
    assert f"/admin/pages/{incident.pk}/edit/" in html


def test_the_banner_is_read_once_and_follows_every_change(client_a, client_b, tenant_a):
    """The banner is cached per portal; a new incident and its resolution show at once."""
    from django.core.cache import cache

    from portal.selectors import OPEN_INCIDENTS_KEY

    client_a.get("/")
    with tenant_a.activate():
        assert cache.get(OPEN_INCIDENTS_KEY) == []  # kept for the next requests
        page = make_announcement(
            title="Login errors", slug="login-errors", kind=AnnouncementPage.KIND_INCIDENT
        )
    assert "Login errors" in _banner(client_a.get("/").content.decode())
    assert _banner(client_b.get("/").content.decode()) == ""  # each portal its own
    with tenant_a.activate():
        add_update(page, status="resolved", message="Fixed.")
    assert _banner(client_a.get("/").content.decode()) == ""
