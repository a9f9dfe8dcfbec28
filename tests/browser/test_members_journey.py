"""Referrals and interests in Chromium on a fresh portal: a member copies their invitation link
on "Invite colleagues", a colleague follows it, is greeted by name and signs up (and is counted
as the member's referral); the colleague states their interests with the keyboard and finds a
course and a question to answer on "My learning". Every page on the way passes axe-core."""

from django.utils import timezone

import pytest

from community.models import ProductArea
from portal.accounts.models import Referral
from tests.browser.conftest import axe_violations, sign_in
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.community_votes import make_question, make_tag
from tests.factories.courses import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invite_a_colleague_who_states_interests_and_gets_recommendations(
    fresh_tenant, live_server, page
):
    tenant = fresh_tenant()
    with tenant.activate():
        referrer = make_member(email="amara@example.com", display_name="Amara Okafor")
        asker = make_member(email="asker@example.com", display_name="Lukas Brenner")
        course = make_course(title="Production networking", lessons=1)
        tag = make_tag(name="networking")
        tag.course = course
        tag.save(update_fields=["course"])
        make_tag(name="billing")
        ProductArea.objects.create(name="Load balancers", slug="load-balancers")
        make_question(
            author=asker,
            title="Why does my load balancer drop idle connections?",
            tags=["networking"],
            created_at=timezone.now(),
        )
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://{tenant.domain}:{port}"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)

    # The member copies their link.
    sign_in(page, base, referrer.email, PASSWORD)
    page.goto(f"{base}/accounts/invite/")
    assert page.get_by_role("heading", level=1).inner_text() == "Invite colleagues"
    assert axe_violations(page) == []
    link = page.get_by_role("textbox", name="Your link").input_value()
    assert link.startswith(f"{base}/r/")
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Sign out").click()

    # A colleague follows it and signs up.
    page.goto(link)
    page.wait_for_url(f"{base}/accounts/signup/")
    assert page.get_by_text("Amara Okafor invited you to").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Display name").fill("Priya Raman")
    page.get_by_label("Email").fill("priya@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    with tenant.activate():
        referral = Referral.objects.select_related("referrer").get(
            referred__email="priya@example.com"
        )
        assert referral.referrer.email == referrer.email
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(email="priya@example.com").update(verified=True)

    # The colleague states their interests with the keyboard.
    sign_in(page, base, "priya@example.com", PASSWORD)
    page.goto(f"{base}/learning/")
    assert page.get_by_role("link", name="Choose your interests").is_visible()
    page.get_by_role("link", name="Choose your interests").click()
    page.wait_for_url(f"{base}/accounts/interests/")
    assert axe_violations(page) == []
    topics = page.get_by_role("group", name="Topics")
    topics.get_by_label("networking").focus()
    page.keyboard.press("Space")
    assert topics.get_by_label("networking").is_checked()
    page.get_by_role("group", name="Products").get_by_label("Load balancers").check()
    page.get_by_role("button", name="Save interests").click()
    page.wait_for_url(f"{base}/accounts/interests/")
    assert page.get_by_text("Your interests have been saved.").is_visible()

    # My learning recommends the course and the unanswered question.
    page.goto(f"{base}/learning/")
    recommendations = page.locator("#recommendations")
    assert recommendations.get_by_role("link", name="Production networking").is_visible()
    assert recommendations.get_by_role(
        "link", name="Why does my load balancer drop idle connections?", exact=True
    ).is_visible()
    assert recommendations.get_by_role(
        "link", name="Answer “Why does my load balancer drop idle connections?”"
    ).is_visible()
    assert axe_violations(page) == []
