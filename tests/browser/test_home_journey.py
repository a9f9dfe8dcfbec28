"""A learner opens the demo home page in Chromium and signs in; axe finds no serious issue."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
