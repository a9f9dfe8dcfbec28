"""The site shell on a portal: brand, navigation, accent colour, home page sections, budgets."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction, Site

import pytest

from portal.models import AnnouncementPage, BrandSettings, HomePage
from tests.factories.portal import add_update, make_announcement

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
BUDGETS = dict.fromkeys(
    ["/", "/announcements/", "/announcements/post-0/", "/announcements/feed/"], QUERY_BUDGET
)


def _login(client, tenant, user):
    with tenant.activate():
        client.force_login(user)


def test_home_page_shows_the_brand_and_navigation_to_anonymous_visitors(client_a):
    response = client_a.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Alpha Academy" in html
    for path, label in [
        ("/courses/", "Courses"),
        ("/certification/", "Certification"),
        ("/community/", "Community"),
        ("/accounts/login/", "Sign in"),
        ("/accounts/signup/", "Sign up"),
    ]:
        assert f'href="{path}"' in html and label in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert "Sign out" not in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_signed_in_member_sees_their_name_profile_link_and_sign_out(
    client_a, tenant_a, member_factory
):
    member = member_factory(tenant_a, display_name="Grace Hopper")
    _login(client_a, tenant_a, member)
    html = client_a.get("/").content.decode()
    assert "Grace Hopper" in html
    assert 'href="/accounts/profile/"' in html
    assert 'action="/accounts/logout/"' in html and "Sign out" in html
    assert "Sign up" not in html
    assert 'href="/admin/"' not in html  # not staff


def test_staff_also_see_the_admin_link(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    _login(client_a, tenant_a, staff)
    assert 'href="/admin/"' in client_a.get("/").content.decode()


def test_the_current_section_is_marked_for_assistive_technology(client_a):
    html = client_a.get("/courses/").content.decode()
    assert '<a href="/courses/" aria-current="page">Courses</a>' in html
    assert '<a href="/community/" aria-current="page">' not in html


def test_the_accent_colour_comes_from_the_brand_settings(client_a, tenant_a):
    with tenant_a.activate():
        brand = BrandSettings.for_site(Site.objects.get(is_default_site=True))
        brand.accent_colour = "#0f5f8c"
        brand.save()
    html = client_a.get("/").content.decode()
    assert "--accent: #0f5f8c" in html


def test_every_asset_is_served_by_the_portal_itself(client_a):
    html = client_a.get("/").content.decode()
    assert "//cdn" not in html and "googleapis" not in html
    assert 'href="/static/portal/site.css"' in html
    css = b"".join(client_a.get("/static/portal/site.css").streaming_content).decode()
    assert ":focus-visible" in css and "prefers-reduced-motion" in css


def test_home_page_renders_its_sections_and_the_latest_news(client_a, tenant_a):
    with tenant_a.activate():
        make_announcement(title="Spring release notes")
        home = HomePage.objects.get()
        home.body = [
            (
                "hero",
                {
                    "heading": "Learn with us",
                    "text": "Hello",
                    "call_to_action": {"label": "Start", "page": None, "url": "/courses/"},
                },
            ),
            (
                "features",
                {
                    "heading": "Why",
                    "cards": [
                        {
                            "title": "Courses card",
                            "text": "Learn",
                            "link": {"label": "Go", "page": None, "url": "/courses/"},
                        },
                    ],
                },
            ),
            ("heading", "A heading"),
            ("paragraph", "<p>Some <b>text</b></p>"),
            ("callout", {"tone": "warning", "text": "<p>Careful</p>"}),
            ("latest_announcements", {"heading": "Latest news", "count": 3}),
        ]
        home.save_revision().publish()
    html = client_a.get("/").content.decode()
    assert "<h1>Learn with us</h1>" in html
    assert 'class="button" href="/courses/"' in html
    assert "Courses card" in html and "<h2>A heading</h2>" in html
    assert "<b>text</b>" in html and "callout--warning" in html
    assert "Latest news" in html and "Spring release notes" in html


def _count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


@pytest.mark.parametrize("path", list(BUDGETS))
def test_pages_stay_within_the_query_budget_whatever_the_number_of_posts(
    client_a, tenant_a, path, django_assert_max_num_queries
):
    with tenant_a.activate():
        for number in range(3):
            _make_post(number)
    client_a.get(path)  # warm the per-portal caches (site root paths, renditions)
    with django_assert_max_num_queries(BUDGETS[path]):
        few = _count_queries(client_a, path)
    with tenant_a.activate():
        for number in range(3, 15):
            _make_post(number)
    client_a.get(path)  # the incident banner is read again once after posts change
    with django_assert_max_num_queries(BUDGETS[path]):
        many = _count_queries(client_a, path)
    assert few == many


def _make_post(number: int) -> None:
    incident = number % 3 == 1
    page = make_announcement(
        title=f"Post {number}",
        slug=f"post-{number}",
        kind=AnnouncementPage.KIND_INCIDENT if incident else AnnouncementPage.KIND_NEWS,
    )
    if incident:
        add_update(page, status="resolved", message="Fixed.")


def test_the_home_page_is_in_the_query_budget_for_a_signed_in_member(
    client_a, tenant_a, member_factory, django_assert_max_num_queries
):
    _login(client_a, tenant_a, member_factory(tenant_a))
    client_a.get("/")
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client_a.get("/").status_code == HTTPStatus.OK


def test_a_password_on_the_home_page_still_guards_it(client_a, tenant_a):
    with tenant_a.activate():
        PageViewRestriction.objects.create(
            page=HomePage.objects.get(), restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    response = client_a.get("/")
    assert "password" in response.text.lower()
    assert "This portal is being set up" not in response.text
