"""Ideas in Chromium on the seeded demo portal: a learner submits an idea, staff (signing in
with their authenticator code) decline it with a reason on the idea's page, and the learner
sees why, prominently, with a notification about it. The ideas list, the submit and edit
forms and the idea page pass axe-core (the page before the answer, with the staff's controls,
and after the answer)."""

import re

import pytest
from django_tenants.utils import schema_context

from community.models import Idea, Notification
from tests.accounts.journeys import totp_code
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER = "learner1@demo.localhost"  # Amara Okafor
STAFF = "staff@demo.localhost"
STAFF_PASSWORD = "demo-staff-password"  # noqa: S105 - the demo seed's documented login
TITLE = "Let us pin a favourite dashboard to the console's home"
REASON = (
    "Thank you! The console's new home page, out next month, lets you choose **any** "
    "dashboard as your start page, so we will not add a separate pin."
)


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Sign out").click()


def _sign_in_staff(page, base: str, secret: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(STAFF)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/$"))
    page.locator("input[name=code]").fill(totp_code(secret))
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")


def test_submit_decline_with_a_reason_and_the_member_reads_it(demo_portal, demo_base, page):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from portal.accounts.models import User

    with schema_context(demo_portal.schema_name):
        staff = User.objects.get(email=STAFF)
        secret = generate_totp_secret()
        TOTP.activate(staff, secret)

    # The member finds the ideas, with the seeded ones, and submits hers.
    sign_in(page, demo_base, MEMBER)
    page.goto(f"{demo_base}/community/ideas/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ideas and complaints"
    assert page.get_by_text("Shell completion for zsh and fish").count() == 1
    assert axe_violations(page) == []
    page.get_by_role("link", name="Share an idea").first.click()
    page.wait_for_url(re.compile(r".*/community/ideas/new/$"))
    assert axe_violations(page) == []
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Details").fill(
        "I open the same latency dashboard every morning. Pinning it to the console's home "
        "would save me three clicks each time."
    )
    page.get_by_label("Product area").select_option(label="Console")
    page.get_by_role("button", name="Post it").click()
    page.wait_for_url(re.compile(r".*/community/ideas/\d+/$"))
    idea_url = page.url
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.get_by_text("Waiting for the team's answer").is_visible()
    assert axe_violations(page) == []
    with schema_context(demo_portal.schema_name):
        idea = Idea.objects.get(title=TITLE)
        assert idea.author.email == MEMBER and idea.area.slug == "console"
    page.get_by_role("link", name="Edit this idea").click()
    page.wait_for_url(re.compile(r".*/community/ideas/\d+/edit/$"))
    assert page.get_by_label("Title", exact=True).input_value() == TITLE
    assert axe_violations(page) == []
    _sign_out(page)

    # Staff decline it, first forgetting the reason (refused with a clear message).
    _sign_in_staff(page, demo_base, secret)
    page.goto(idea_url)
    assert axe_violations(page) == []  # with the staff's controls
    staff_panel = page.locator("#staff")
    staff_panel.get_by_label("New status").select_option(label="Declined")
    staff_panel.get_by_role("button", name="Update the status").click()
    page.wait_for_load_state()
    assert page.get_by_text("Explain why it is declined").first.is_visible()
    with schema_context(demo_portal.schema_name):
        assert Idea.objects.get(pk=idea.pk).status == "new"
    staff_panel = page.locator("#staff")
    staff_panel.get_by_label("New status").select_option(label="Declined")
    staff_panel.get_by_label("Public explanation").fill(REASON)
    staff_panel.get_by_role("button", name="Update the status").click()
    page.wait_for_url(re.compile(r".*/community/ideas/\d+/#status$"))
    with schema_context(demo_portal.schema_name):
        idea.refresh_from_db()
        assert idea.status == "declined" and idea.explanation_md == REASON
        assert Notification.objects.filter(idea=idea, member__email=MEMBER).count() == 1
    _sign_out(page)

    # The member reads why, on the item and from her notifications.
    sign_in(page, demo_base, MEMBER)
    page.goto(f"{demo_base}/community/notifications/")
    page.get_by_role("link", name=re.compile("is now Declined")).first.click()
    page.wait_for_url(idea_url)
    answer = page.locator("#status")
    assert answer.get_by_role("heading", name="Why we declined this").is_visible()
    assert "lets you choose any dashboard as your start page" in answer.inner_text()
    assert page.locator(".idea-page__labels").get_by_text("Declined").is_visible()
    assert axe_violations(page) == []
