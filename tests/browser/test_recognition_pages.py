"""The wall of thanks and giveaways in Chromium on a fresh portal: a member thanks the author of
an answer with the keyboard, finds the message on the wall beside a compliment and a
recognition award, and opens a drawn giveaway's "Check this draw". The thanks form, the wall,
the giveaway list and a drawn giveaway's page (its entry list opened) pass axe-core."""

from datetime import timedelta

from django.utils import timezone

import pytest

from community.giveaway_services import giveaway_draw
from community.models import Thanks
from community.thanks_services import compliment_create, recognition_give
from tests.browser.conftest import axe_violations, sign_in
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.community_lists import make_answer, make_question
from tests.factories.recognition import make_giveaway, make_recognition_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Your rollback command saved our release day. Thank you!"


def test_thank_an_answer_see_the_wall_and_check_a_draw(fresh_tenant, live_server, page):
    tenant = fresh_tenant()
    now = timezone.now()
    with tenant.activate():
        asker = make_member(email="asker@example.com", display_name="Amara Okafor")
        helper = make_member(email="helper@example.com", display_name="Lukas Brenner")
        staff = make_member(email="boss@example.com", staff=True, display_name="Sam Staff")
        question = make_question(
            author=asker,
            title="How do I roll back a broken release?",
            created_at=now - timedelta(days=9),
        )
        answer = make_answer(question=question, author=helper, created_at=now - timedelta(days=5))
        compliment_create(
            staff=staff, customer_name="Maria, Lisbon", message_md="Support stayed all night."
        )
        badge = make_recognition_badge(name="Member of the month")
        recognition_give(
            staff=staff, member=helper, badge=badge, citation="For 40 helpful answers in May."
        )
        giveaway = make_giveaway(
            created_by=staff,
            starts_at=now - timedelta(days=7),
            ends_at=now - timedelta(days=1),
            title="Hoodies for helpers",
        )
        giveaway = giveaway_draw(staff=staff, giveaway=giveaway)
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://{tenant.domain}:{port}"

    sign_in(page, base, asker.email, PASSWORD)
    page.goto(f"{base}/community/thanks/new/?answer={answer.pk}")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank Lukas Brenner"
    assert axe_violations(page) == []
    page.get_by_label("Your message").fill(MESSAGE)
    page.get_by_role("button", name="Send thanks").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{base}/community/thanks/")
    wall = page.locator("main").inner_text()
    assert MESSAGE in wall
    assert "Maria, Lisbon" in wall and "For 40 helpful answers in May." in wall
    assert axe_violations(page) == []
    with tenant.activate():
        assert Thanks.objects.get(answer=answer).recipient == helper

    page.goto(f"{base}/community/giveaways/")
    assert page.get_by_role("link", name="Hoodies for helpers").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{base}/community/giveaways/{giveaway.pk}/")
    assert page.get_by_role("heading", name="Check this draw").count() == 1
    assert giveaway.seed in page.locator("main").inner_text()
    page.get_by_text("Show the 1 entry").click()  # the helper answered in the period
    assert page.get_by_role("cell", name="Lukas Brenner").is_visible()
    assert axe_violations(page) == []
