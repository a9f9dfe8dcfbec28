"""A learner takes the demo's Practitioner exam in Chromium, reloads midway, passes, finds the
certification and its badge on "My certifications", makes their transcript public, and opens
the public verify page of the award, as an employer would; then the MVP directory.

Answers are saved by the page's script as they are given (each click waits for the save's
response, never a sleep); the exam, attempt, result, My certifications, transcript, verify and
MVP directory pages pass axe-core.
"""

import re

import pytest
from django_tenants.utils import schema_context

from certification.models import Attempt, AttemptAnswer, Award
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAM = "/certification/exams/cloud-practitioner/"


def _is_answer_save(response) -> bool:
    return response.url.endswith("/answer/") and response.request.method == "POST"


def _answer(page, question: dict) -> None:
    """Tick the right choices of ``question`` with the keyboard-reachable inputs' labels."""
    for choice_id in question["correct"]:
        with page.expect_response(_is_answer_save) as saved:
            page.locator(f"label[for='choice-{choice_id}']").click()
        assert saved.value.ok, saved.value.text()


def test_learner_takes_an_exam_resumes_after_reload_and_passes(demo_portal, live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://demo.localhost:{port}"
    sign_in(page, base, "learner1@demo.localhost")

    page.goto(f"{base}/certification/")
    assert page.get_by_role("link", name="Northwind Cloud Practitioner").count() == 1
    assert axe_violations(page) == []

    page.goto(f"{base}{EXAM}")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start the exam").click()
    page.wait_for_url(f"{base}/certification/attempts/*/")
    assert axe_violations(page) == []
    timer = page.locator("[data-exam-timer]").inner_text()
    assert ":" in timer  # the script turned the seconds into a running clock

    with schema_context(demo_portal.schema_name):
        attempt = Attempt.objects.get(member__email="learner1@demo.localhost")
    questions = attempt.questions
    for question in questions[:10]:
        _answer(page, question)

    page.reload()  # nothing is lost: the same attempt, with its answers ticked
    assert page.url.endswith(f"/certification/attempts/{attempt.pk}/")
    assert page.locator("input:checked").count() == sum(len(q["correct"]) for q in questions[:10])
    for question in questions[10:]:
        _answer(page, question)
    with schema_context(demo_portal.schema_name):
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == len(questions)

    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(f"{base}/certification/attempts/{attempt.pk}/result/")
    assert page.get_by_text("You passed.").count() == 1
    assert "100%" in page.locator("header.page-header").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="See My certifications").click()
    page.wait_for_url(f"{base}/certification/mine/")
    card = page.locator(".award-card", has_text="Northwind Certified Cloud Practitioner")
    assert card.locator(".award-status").inner_text() == "Valid"
    assert axe_violations(page) == []
    page.get_by_label("Make my transcript public").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/certification/mine/")
    page.locator(".award-transcript a").click()
    page.wait_for_url(f"{base}/certification/transcript/*/")
    assert (
        page.get_by_role("cell", name="Northwind Certified Cloud Practitioner", exact=True).count()
        == 0
    )
    assert page.get_by_role("rowheader", name="Northwind Certified Cloud Practitioner").count() == 1
    assert axe_violations(page) == []
    assert axe_violations(page) == []

    # The badge image is served (the plain badge drawn for the demo's certification).
    page.goto(f"{base}/certification/mine/")
    badge = card.locator("img.award-card__badge")
    assert badge.evaluate("image => image.complete && image.naturalWidth > 0")
    # Chromium names it "Verify page : …" (the hidden span is positioned), hence the pattern.
    verify = re.compile(r"^Verify page ?: Northwind Certified Cloud Practitioner$")
    page.get_by_role("link", name=verify).click()
    page.wait_for_url(f"{base}/verify/*/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Northwind Certified Cloud Practitioner"
    )
    assert page.locator(".credential-status__text").inner_text().endswith("Valid")
    with schema_context(demo_portal.schema_name):
        award = Award.objects.get(member__email="learner1@demo.localhost")
    assert page.url.endswith(f"/verify/{award.public_id}/")
    assert "learner1@demo.localhost" not in page.content()
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 1
    assert axe_violations(page) == []

    page.goto(f"{base}/certification/mvp/")
    mvp = page.locator(".mvp-card", has_text="Lukas Brenner")  # the demo's MVP
    assert mvp.count() == 1 and "Deployment" in mvp.inner_text()
    assert axe_violations(page) == []
