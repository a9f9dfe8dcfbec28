"""The community in Chromium on the seeded demo portal: a learner asks a question with a tag,
a certified member (the demo's MVP) answers it, the learner votes the answer up and accepts it.

Votes and acceptance go through the page's script (each click waits for its response, never a
sleep); the list, ask and question pages pass axe-core.
"""

import re

import pytest
from django_tenants.utils import schema_context

from community.models import Question, Vote
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASKER = "learner1@demo.localhost"  # Amara Okafor, not certified
EXPERT = "learner2@demo.localhost"  # Lukas Brenner, certified Practitioner and MVP
TITLE = "How do I pin a deployment to one availability zone?"


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Sign out").click()


def _posted(method: str, ending: str):
    return lambda response: response.request.method == method and response.url.endswith(ending)


def test_ask_answer_vote_and_accept(demo_portal, live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://demo.localhost:{port}"

    # The learner finds the seeded community and asks.
    sign_in(page, base, ASKER)
    page.goto(f"{base}/community/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_text("How long are traces kept").count() >= 1  # the newest seeded
    assert axe_violations(page) == []

    page.goto(f"{base}/community/ask/")
    assert axe_violations(page) == []
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("What are the details of your problem?").fill(
        "Our latency-sensitive service should run in `eu-west-1a` only. Is there a placement "
        "option for deployments, or do I need a dedicated node pool?"
    )
    page.get_by_label("Tags", exact=True).fill("deployment")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r".*/community/questions/\d+/$"))
    question_url = page.url
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    with schema_context(demo_portal.schema_name):
        question = Question.objects.get(title=TITLE)
        assert question.author.email == ASKER
        assert list(question.tags.values_list("slug", flat=True)) == ["deployment"]
    _sign_out(page)

    # The certified member answers.
    sign_in(page, base, EXPERT)
    page.goto(question_url)
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="Your answer").fill(
        "Yes: `nw deploy create --placement zone=eu-west-1a`. Without it instances spread over "
        "the region's zones; a node pool is only needed for dedicated hardware."
    )
    page.get_by_role("button", name="Post your answer").click()
    page.wait_for_url(re.compile(r".*/community/questions/\d+/#answer-\d+$"))
    with schema_context(demo_portal.schema_name):
        answer = question.answers.get()
        assert answer.author.email == EXPERT
    _sign_out(page)

    # The asker votes the answer up and accepts it.
    sign_in(page, base, ASKER)
    page.goto(question_url)
    post = page.locator(f"#answer-{answer.pk}")
    with page.expect_response(_posted("POST", f"/answers/{answer.pk}/vote/")) as voted:
        post.get_by_role("button", name="Vote up").click()
    assert voted.value.ok, voted.value.text()
    assert post.locator("[data-vote-score]").inner_text() == "1"
    assert post.get_by_role("button", name="Vote up").get_attribute("aria-pressed") == "true"
    with page.expect_response(_posted("POST", f"/answers/{answer.pk}/accept/")) as accepted:
        post.get_by_role("button", name="Accept this answer").click()
    assert accepted.value.ok, accepted.value.text()
    assert post.locator("[data-accept-mark]").is_visible()
    assert post.locator("[data-accept-mark]").inner_text().endswith("Accepted")
    assert axe_violations(page) == []

    with schema_context(demo_portal.schema_name):
        question.refresh_from_db()
        answer.refresh_from_db()
        assert question.accepted_answer_id == answer.pk
        assert answer.score == 1
        assert Vote.objects.filter(answer=answer, member__email=ASKER, value=1).count() == 1
