"""Survey results for staff: the figures on known answers, the CSV export, who may see them,
isolation between portals, the query budget, the NPS trend and the page editor's checks."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta
from http import HTTPStatus

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from wagtail.models import GroupPagePermission

import pytest

from portal.models.surveys import SurveyPage, SurveySubmission
from portal.surveys.api import nps_series
from portal.surveys.forms import (
    CANNOT_SKIP,
    NEEDS_CHOICES,
    NO_ANSWERS,
    UNKNOWN_ANSWER,
    UNKNOWN_TARGET,
    question_errors,
)
from portal.surveys.selectors import survey_results
from portal.surveys.services import survey_submit
from tests.factories.accounts import make_member
from tests.factories.surveys import make_survey, names

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
# Wagtail's sidebar asks three more queries for a non-superuser on every admin page (their
# group page, collection and site permissions), as the course reports measured.
SIDEBAR_PERMISSION_QUERIES = 3
INDEX = "/admin/reports/surveys/"
_numbers = itertools.count(1)

#: (scale, yes/no, missing, comment, product, recommend, role) per response.
KNOWN = [
    ("Excellent", "Yes", None, None, "Cloud", 10, "Dev"),
    ("Very good", "Yes", None, None, "Cloud", 9, None),
    ("Good", "Yes", None, None, "Edge", 7, None),
    ("N/A", "No", ["Docs", "Speed"], '=HYPERLINK("http://evil.example")', "Data", 3, None),
]


def _submit(page, row) -> SurveySubmission:
    name = names(page)
    labels = [
        "How was the service?", "Was the answer right?", "What was missing?",
        "What should we change?", "Which product?", "How likely are you to recommend us?",
        "Your role",
    ]  # fmt: skip
    member = make_member(email=f"answer{next(_numbers)}@results.test")
    return survey_submit(
        page=page,
        member=member,
        answers={name[label]: value for label, value in zip(labels, row, strict=True)},
    )


@pytest.fixture
def known(tenant_a):
    """Four responses: scale 5, 4, 3 and N/A (average 4.0), yes 3 of 4, recommend 10, 9, 7, 3
    (2 promoters, 1 detractor of 4: NPS 25), one comment that looks like a formula."""
    with tenant_a.activate():
        page = make_survey(title="Known answers")
        for row in KNOWN:
            _submit(page, row)
        return page


@pytest.fixture
def staff_a(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(staff)
    return staff


def _url(page, suffix: str = "") -> str:
    return f"{INDEX}{page.pk}/{suffix}"


def test_the_figures_of_each_question_on_known_answers(tenant_a, known):
    with tenant_a.activate():
        results = survey_results(page=known)
    by_label = {question.label: question for question in results.questions}
    assert results.responses == 4

    scale = by_label["How was the service?"]
    assert (scale.responses, scale.average) == (4, 4.0)
    assert [(bar.label, bar.count, bar.percent) for bar in scale.bars] == [
        ("Excellent", 1, 25.0),
        ("Very good", 1, 25.0),
        ("Good", 1, 25.0),
        ("Fair", 0, 0.0),
        ("Poor", 0, 0.0),
        ("N/A", 1, 25.0),
    ]

    recommend = by_label["How likely are you to recommend us?"]
    assert (recommend.average, recommend.nps) == (7.3, 25)
    assert (recommend.promoters, recommend.passives, recommend.detractors) == (2, 1, 1)
    assert [bar.count for bar in recommend.bars] == [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1]

    yes_no = by_label["Was the answer right?"]
    assert (yes_no.yes_percent, yes_no.average) == (75.0, None)

    missing = by_label["What was missing?"]
    assert missing.responses == 1
    assert [(bar.label, bar.count, bar.percent) for bar in missing.bars] == [
        ("Docs", 1, 100.0),
        ("Speed", 1, 100.0),
        ("Examples", 0, 0.0),
    ]
    product = by_label["Which product?"]
    assert [(bar.label, bar.count) for bar in product.bars] == [
        ("Cloud", 2),
        ("Edge", 1),
        ("Data", 1),
    ]
    comment = by_label["What should we change?"]
    assert [text for text, _ in comment.comments] == ['=HYPERLINK("http://evil.example")']


def test_the_results_screen_shows_the_figures_as_tables(client_a, staff_a, known):
    response = client_a.get(_url(known))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Average: 4.0</strong> out of 5" in html
    assert "NPS: 25</strong>" in html
    assert "Yes: 75.0%</strong>" in html
    assert "<caption>Answers to “How was the service?”</caption>" in html
    assert '<th scope="row">N/A</th>' in html and "<td>25.0%</td>" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in html  # escaped, shown as text
    assert 'aria-hidden="true"' in html  # the bars are decoration; the table has the figures


def test_the_index_lists_surveys_with_their_responses(client_a, staff_a, known):
    response = client_a.get(INDEX)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'href="{_url(known)}">Known answers</a>' in html
    assert "<td>4</td>" in html


def test_the_csv_has_a_column_per_question_and_quotes_formulas(client_a, staff_a, known):
    response = client_a.get(_url(known, "responses.csv"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Submitted", "Updated", "How was the service?", "Was the answer right?",
        "What was missing?", "What should we change?", "Which product?",
        "How likely are you to recommend us?", "Your role",
    ]  # fmt: skip
    assert len(rows) == 5
    assert rows[1][2:] == ["Excellent", "Yes", "", "", "Cloud", "10", "Dev"]
    assert rows[4][4] == "Docs; Speed"
    assert rows[4][5] == '\'=HYPERLINK("http://evil.example")'


def test_wagtails_own_forms_section_is_replaced_by_the_results(client_a, staff_a, known):
    """Its listing and CSV would not quote formulas; its menu item would cost a query."""
    response = client_a.get(f"/admin/forms/submissions/{known.pk}/?export=csv")
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert 'href="/admin/forms/"' not in client_a.get(INDEX).content.decode()


def _editor(tenant, member_factory, page):
    """Staff allowed into the admin and to edit ``page`` through a group, not a superuser."""
    editor = member_factory(tenant, mfa=True)
    with tenant.activate():
        editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        group = Group.objects.create(name=f"Survey editors {next(_numbers)}")
        GroupPagePermission.objects.create(group=group, page=page, permission_type="change")
        editor.groups.add(group)
    return editor


@pytest.mark.parametrize("who", ["superuser", "editor"])
@pytest.mark.parametrize("suffix", ["", "responses.csv"])
def test_the_results_stay_within_budget_whatever_the_number_of_responses(
    client_a, tenant_a, member_factory, known, suffix, who, django_assert_max_num_queries
):
    if who == "superuser":
        staff = member_factory(tenant_a, staff=True, mfa=True)
    else:
        staff = _editor(tenant_a, member_factory, known)
    with tenant_a.activate():
        client_a.force_login(staff)
    budget = QUERY_BUDGET if who == "superuser" else QUERY_BUDGET + SIDEBAR_PERMISSION_QUERIES
    counts = []
    for total in (4, 30):
        with tenant_a.activate():
            while SurveySubmission.objects.filter(page=known).count() < total:
                _submit(known, KNOWN[len(counts) % len(KNOWN)])
        client_a.get(_url(known))  # warm the per-portal caches and the session's MFA check
        with django_assert_max_num_queries(budget) as queries:
            response = client_a.get(_url(known, suffix))
            if suffix:
                b"".join(response.streaming_content)
            assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    print(f"{who} results {suffix or 'screen'}: {counts} queries")
    assert counts[0] == counts[1]


def test_the_index_stays_within_budget_whatever_the_number_of_surveys(
    client_a, tenant_a, staff_a, known, django_assert_max_num_queries
):
    counts = []
    for extra in (0, 5):
        with tenant_a.activate():
            while SurveyPage.objects.count() < 1 + extra:
                make_survey()
        client_a.get(INDEX)  # warm the per-portal caches and the session's MFA check
        with django_assert_max_num_queries(QUERY_BUDGET) as queries:
            assert client_a.get(INDEX).status_code == HTTPStatus.OK
        counts.append(len(queries))
    print(f"results index: {counts} queries")
    assert counts[0] == counts[1]


@pytest.mark.parametrize("suffix", ["", "responses.csv"])
def test_members_never_reach_the_results(client_a, tenant_a, member_factory, known, suffix):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(member)
    for url in (INDEX, _url(known, suffix)):
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "/login/" in response["Location"]


def test_staff_without_rights_on_the_survey_cannot_see_its_results(
    client_a, tenant_a, member_factory, known
):
    """An editor allowed into the admin but given no permission on the survey page."""
    outsider = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client_a.force_login(outsider)
    assert client_a.get(_url(known)).status_code == HTTPStatus.NOT_FOUND
    assert client_a.get(_url(known, "responses.csv")).status_code == HTTPStatus.NOT_FOUND
    assert "Known answers" not in client_a.get(INDEX).content.decode()

    editor = _editor(tenant_a, member_factory, known)
    with tenant_a.activate():
        client_a.force_login(editor)
    assert client_a.get(_url(known)).status_code == HTTPStatus.OK
    assert "Known answers" in client_a.get(INDEX).content.decode()


@pytest.mark.parametrize("suffix", ["", "responses.csv"])
def test_results_of_portal_a_are_not_found_on_portal_b(
    client_b, tenant_b, member_factory, known, suffix
):
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
        make_survey(title="B's own")
    assert client_b.get(_url(known, suffix)).status_code == HTTPStatus.NOT_FOUND
    html = client_b.get(INDEX).content.decode()
    assert "B&#x27;s own" in html or "B's own" in html
    assert "Known answers" not in html


def test_the_nps_trend_counts_survey_answers_by_week(tenant_a, known):
    with tenant_a.activate():
        now = timezone.now()
        old = SurveySubmission.objects.filter(page=known).order_by("pk").first()
        old.answers.update(submitted_at=now - timedelta(days=14))
        series = nps_series(start=(now - timedelta(days=14)).date(), end=now.date())
    assert [row["responses"] for row in series] == [1, 0, 3]
    assert series[0]["nps"] == 100  # the 10
    assert (series[2]["promoters"], series[2]["detractors"], series[2]["nps"]) == (1, 1, 0)


# --- The page editor's checks ------------------------------------------------------------


def _row(label, field_type, **fields):
    return {"label": label, "field_type": field_type, "offer_na": True, **fields}


def test_the_editor_checks_choices_and_skip_rules():
    rows = [
        _row("Pick", "choice", choices="Only one"),
        _row("Solved?", "yesno", skip_when="Maybe", skip_to="Later"),
        _row("Why?", "comment", skip_when="anything"),
        _row("Rate", "scale", skip_to="Pick"),
        _row("Score", "recommend", skip_when="0-6", skip_to="Pick"),
        _row("Later", "yesno", skip_when="no"),
    ]
    errors = question_errors(rows)
    assert errors[0] == {"choices": NEEDS_CHOICES}
    assert errors[1] == {"skip_when": UNKNOWN_ANSWER.format(answer="Maybe", options="Yes, No")}
    assert errors[2] == {"skip_when": CANNOT_SKIP}
    assert errors[3] == {"skip_when": NO_ANSWERS}
    assert errors[4] == {"skip_to": UNKNOWN_TARGET.format(label="Pick")}  # not a later one
    assert errors[5] == {}  # case-insensitive answers; empty target = the end


def test_the_page_editor_refuses_a_skip_to_an_unknown_question(client_a, tenant_a, staff_a):
    with tenant_a.activate():
        from portal.models import HomePage

        home = HomePage.objects.get()
    data = {
        "title": "From the editor",
        "slug": "from-the-editor",
        "form_fields-TOTAL_FORMS": "2",
        "form_fields-INITIAL_FORMS": "0",
        "form_fields-MIN_NUM_FORMS": "0",
        "form_fields-MAX_NUM_FORMS": "1000",
    }
    questions = [
        ("Solved?", "yesno", "No", "Nowhere"),
        ("Anything else?", "comment", "", ""),
    ]
    for number, (label, kind, when, to) in enumerate(questions):
        prefix = f"form_fields-{number}-"
        data.update(
            {
                f"{prefix}label": label,
                f"{prefix}field_type": kind,
                f"{prefix}required": "on",
                f"{prefix}skip_when": when,
                f"{prefix}skip_to": to,
                f"{prefix}ORDER": str(number + 1),
                f"{prefix}id": "",
                f"{prefix}DELETE": "",
            }
        )
    response = client_a.post(f"/admin/pages/add/portal/surveypage/{home.pk}/", data)
    assert response.status_code == HTTPStatus.OK
    assert UNKNOWN_TARGET.format(label="Nowhere").replace(
        "“", "&#x201C;"
    ) in response.content.decode() or ("No later question is labelled" in response.content.decode())
    with tenant_a.activate():
        assert not SurveyPage.objects.filter(slug="from-the-editor").exists()

    data["form_fields-0-skip_to"] = "Anything else?"
    response = client_a.post(f"/admin/pages/add/portal/surveypage/{home.pk}/", data)
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        page = SurveyPage.objects.get(slug="from-the-editor")
        assert [field.skip_to for field in page.get_form_fields()] == ["Anything else?", ""]
