"""A learner opens the demo home page in Chromium and signs in; axe finds no serious issue."""

from django.core.management import call_command
from django.db import connection

import pytest

from portal.tenants.models import Organization
from portal.tenants.services import portal_delete
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_portal(transactional_db):
    call_command("seed_demo", verbosity=0)
    yield Organization.objects.get(slug="demo")
    connection.set_schema_to_public()
    portal_delete(slug="demo")


def test_learner_opens_demo_home_signs_in_and_pages_pass_axe(demo_portal, live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://demo.localhost:{port}"

    page.goto(f"{base}/")
    assert demo_portal.name in page.title()
    assert page.get_by_role("navigation").first.is_visible()
    assert axe_violations(page) == []

    page.goto(f"{base}/accounts/signup/")
    assert axe_violations(page) == []
    page.goto(f"{base}/")

    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url(f"{base}/accounts/login/**")
    assert axe_violations(page) == []
    page.get_by_label("Email").fill("learner1@demo.localhost")
    page.get_by_label("Password").fill("demo-learner-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.wait_for_url(f"{base}/")
    # Signed in: the account menu names the learner and offers to sign out.
    assert page.get_by_role("button", name="Sign out").count() == 1
    assert axe_violations(page) == []

    # Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
