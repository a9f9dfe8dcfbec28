"""Playwright driving Debian's Chromium, with axe-core from the npm registry injected into pages."""

import os
import shutil
from pathlib import Path

from django.core.management import call_command
from django.db import connection

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci).")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous and sequential, so Django's guard against async use does not apply to them.
    # Set only while the browser runs, so that no other test (or subprocess) inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Seeded demo videos and captions land in a temporary MEDIA_ROOT, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return its serious and critical violations, readable."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


DEMO_LEARNER_PASSWORD = "demo-learner-password"  # noqa: S105 (the demo seed's, printed by make run)


@pytest.fixture
def demo_portal(transactional_db):
    """The demo portal as ``make run`` seeds it, deleted after the test."""
    from portal.tenants.models import Organization
    from portal.tenants.services import portal_delete

    call_command("seed_demo", verbosity=0)
    yield Organization.objects.get(slug="demo")
    connection.set_schema_to_public()
    portal_delete(slug="demo")


@pytest.fixture
def demo_base(demo_portal, live_server) -> str:
    """The demo portal's address on the live server (Chromium resolves *.localhost itself)."""
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://demo.localhost:{port}"


def sign_in(page, base: str, email: str, password: str = DEMO_LEARNER_PASSWORD) -> None:
    """Sign in through the real login form; lands on the home page."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{base}/")
