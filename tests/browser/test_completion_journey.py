"""A learner who finished a course: record of completion, survey, a session, My learning.

learner1 completed “Getting started” and answered its survey in the demo seed
(``portal.demo.seed_feedback``). They download the PDF record, change their survey answer,
register for the upcoming live session from the catalog and find it under My learning. Every
page on the way passes axe.
"""

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "/courses/getting-started/"
SESSION_TITLE = "Ask an expert: scaling your first cluster"

FETCH = """async (url) => {
  const response = await fetch(url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return [response.status, response.headers.get("content-type"),
          String.fromCharCode(...bytes.slice(0, 5))];
}"""


def test_a_graduate_downloads_the_record_answers_the_survey_and_registers(
    demo_portal, live_server, page
):
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://demo.localhost:{port}"
    sign_in(page, base, "learner1@demo.localhost")

    # The completed course: its date and the PDF record of completion.
    page.goto(f"{base}{COURSE}")
    assert "Completed on" in page.locator("main").inner_text()
    record = page.get_by_role("link", name="Record of completion (PDF)")
    status, content_type, start = page.evaluate(FETCH, record.get_attribute("href"))
    assert (status, content_type, start) == (200, "application/pdf", "%PDF-")
    assert axe_violations(page) == []

    # The survey, answered in the seed: change the recommendation and save.
    page.goto(f"{base}{COURSE}")
    course_id = record.get_attribute("href").split("/")[3]
    page.goto(f"{base}/learning/courses/{course_id}/feedback/")
    assert axe_violations(page) == []
    page.locator("input[name=recommend][value='10']").check()
    page.get_by_role("button", name="Update my feedback").click()
    page.wait_for_url(f"{base}{COURSE}")
    assert "Thank you for your feedback" in page.locator("body").inner_text()

    # A live session from the catalog's upcoming sessions, then My learning lists it.
    page.goto(f"{base}/courses/")
    page.get_by_role("link", name=SESSION_TITLE).first.click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert "Registered" in page.locator("main").inner_text()

    page.goto(f"{base}/learning/")
    sessions = page.locator("main").inner_text()
    assert SESSION_TITLE in sessions
    assert axe_violations(page) == []
