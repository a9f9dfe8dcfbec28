"""A survey in Chromium: a member answers with the keyboard and the mouse, the "skip to" rule
hides the questions it skips as they answer (the script), the response is saved without the
skipped answers, and the survey and its thank-you page pass axe-core."""

import pytest
from django_tenants.utils import schema_context

from portal.models.surveys import SurveySubmission
from tests.browser.conftest import axe_violations, sign_in
from tests.factories.accounts import make_member
from tests.factories.surveys import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - the test member's


def test_a_member_answers_a_survey_with_a_skip_rule(fresh_tenant, live_server, page):
    tenant = fresh_tenant()
    with tenant.activate():
        make_member(email="answering@example.com", password=PASSWORD)
        survey = make_survey(title="Support check")
        path = survey.url
    base = f"http://{tenant.domain}:{live_server.url.rsplit(':', 1)[1]}"

    sign_in(page, base, "answering@example.com", PASSWORD)
    page.goto(f"{base}{path}")
    assert page.get_by_role("heading", level=1).inner_text() == "Support check"
    assert axe_violations(page) == []

    # The keyboard: focus the scale's first answer, move to the second with an arrow key.
    scale = page.get_by_role("group", name="How was the service?")
    scale.get_by_label("Excellent").focus()
    page.keyboard.press("ArrowDown")
    assert scale.get_by_label("Very good").is_checked()

    missing = page.get_by_role("group", name="What was missing?")
    assert missing.is_visible()
    page.get_by_role("group", name="Was the answer right?").get_by_label("Yes").check()
    assert missing.is_hidden()
    assert page.get_by_label("What should we change?").is_hidden()
    assert page.get_by_text("2 questions skipped.").count() == 1
    assert axe_violations(page) == []

    page.get_by_role("group", name="Which product?").get_by_label("Edge").check()
    page.get_by_role("group", name="How likely are you to recommend us?").get_by_label("9").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"{base}{path}?answered=1")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert axe_violations(page) == []

    with schema_context(tenant.schema):
        (response,) = SurveySubmission.objects.all()
        data = response.form_data
    assert "Very good" in data.values() and "Edge" in data.values() and 9 in data.values()
    assert sum(value is None for value in data.values()) == 3  # two skipped, the role left empty
