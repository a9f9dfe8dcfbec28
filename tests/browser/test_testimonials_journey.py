"""Testimonials in Chromium on a fresh portal: an invited member writes their testimonial, reads
the staff's tracked changes and approves them with the keyboard, sees it on the testimonials page
and the home page, then withdraws it and it is gone. "My testimonials", the write page, the
approval page with the diff and the testimonials page pass axe-core."""

import re

import pytest

from community import models
from community import testimonial_services as services
from portal.models import HomePage
from tests.browser.conftest import axe_violations, sign_in
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.testimonials import invited, make_testimonial_staff, make_testimonials_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WROTE = (
    "The labs were great and I learned alot. I moved our staging environment over in a week "
    "and I now teach the course to new hires."
)
EDITED = (
    "The labs were great and I learned a lot. I moved our staging environment over in a week "
    "and now teach the course to new hires."
)


def test_write_read_the_changes_approve_see_it_published_and_withdraw(
    fresh_tenant, live_server, page
):
    tenant = fresh_tenant()
    with tenant.activate():
        author = make_member(email="author@example.com", display_name="Amara Okafor")
        staff = make_testimonial_staff(email="editor@example.com")
        make_testimonials_page(title="What our learners say")
        home = HomePage.objects.get()
        home.body = [("testimonials", {"heading": "Learners in their words", "count": 3})]
        home.save_revision().publish()
        testimonial = invited(member=author)
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://{tenant.domain}:{port}"

    # The member finds the invitation and writes.
    sign_in(page, base, author.email, PASSWORD)
    page.goto(f"{base}/community/testimonials/mine/")
    assert page.get_by_role("heading", level=1).inner_text() == "My testimonials"
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile(r"^Write it")).click()
    page.wait_for_url(f"{base}/community/testimonials/{testimonial.pk}/write/")
    assert axe_violations(page) == []
    page.get_by_label("Your testimonial").fill(WROTE)
    page.get_by_label("5 out of 5").check()
    page.get_by_label("How should we introduce you?").fill("Platform engineer, Lagos Freight")
    page.get_by_role("button", name="Send to staff").click()
    page.wait_for_url(f"{base}/community/testimonials/{testimonial.pk}/")
    assert "Staff will proofread" in page.locator("main").inner_text()

    # Staff proofread (in the admin; here through the service), the author reads the changes.
    with tenant.activate():
        testimonial.refresh_from_db()
        services.testimonial_proofread(
            staff=staff,
            testimonial=testimonial,
            edited_text=EDITED,
            staff_note="Spelling, and one word fewer.",
            version=services.testimonial_version(testimonial),
        )
    page.goto(f"{base}/community/testimonials/{testimonial.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Approve your testimonial"
    changes = page.locator(".testimonial-changes").inner_text()
    assert "“alot.” replaced with “a lot.”" in changes and "Removed “I”" in changes
    assert page.locator(".testimonial-diff del").first.text_content() == "[removed: alot.]"
    assert "Spelling, and one word fewer." in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # Approve with the keyboard.
    page.get_by_role("button", name="Approve and publish").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "your testimonial is published" in page.locator("main").inner_text()
    with tenant.activate():
        testimonial.refresh_from_db()
        assert testimonial.status == models.Testimonial.Status.PUBLISHED
        assert testimonial.approved_text == EDITED

    # Everyone sees it on the testimonials page and the home page.
    for path in ("/testimonials/", "/"):
        page.goto(f"{base}{path}")
        card = page.locator("[itemtype='https://schema.org/Review']")
        assert card.count() == 1 and EDITED in card.inner_text()
        assert "Amara Okafor" in card.inner_text() and author.email not in page.content()
        assert axe_violations(page) == []

    # The author withdraws: gone at once.
    page.goto(f"{base}/community/testimonials/{testimonial.pk}/withdraw/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Withdraw my testimonial").click()
    page.wait_for_url(f"{base}/community/testimonials/mine/")
    page.goto(f"{base}/testimonials/")
    assert page.locator("[itemtype='https://schema.org/Review']").count() == 0
    assert "No testimonials yet." in page.locator("main").inner_text()
