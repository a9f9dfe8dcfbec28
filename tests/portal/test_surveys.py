"""Surveys for members: the page, each question type's validation, skip rules enforced by the
server, one response per member (also under a race), anonymous surveys, isolation, budgets."""

from __future__ import annotations

import itertools
import re
from http import HTTPStatus

import pytest

from portal.models.surveys import SurveyAnswer, SurveySubmission
from portal.surveys import forms as messages
from portal.surveys.services import ALREADY_ANSWERED, SurveyError, survey_submit
from tests.concurrency import race
from tests.factories.accounts import make_member
from tests.factories.surveys import make_survey, names

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
_numbers = itertools.count(1)


@pytest.fixture
def survey(tenant_a):
    with tenant_a.activate():
        return make_survey(title="Support check")


@pytest.fixture
def member(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(member)
    return member


def _answers(page, **overrides) -> dict:
    """A complete valid post ("No" to the yes/no question, so nothing is skipped)."""
    name = names(page)
    data = {
        name["How was the service?"]: "Very good",
        name["Was the answer right?"]: "No",
        name["What was missing?"]: ["Docs", "Examples"],
        name["What should we change?"]: "More examples.",
        name["Which product?"]: "Edge",
        name["How likely are you to recommend us?"]: "9",
        name["Your role"]: "Developer",
    }
    for label, value in overrides.items():
        key = name.get(label, label)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _responses(tenant, page) -> list[SurveySubmission]:
    with tenant.activate():
        return list(SurveySubmission.objects.filter(page=page).prefetch_related("answers"))


def test_the_page_groups_each_choice_question_in_a_fieldset_with_its_legend(
    client_a, member, survey
):
    response = client_a.get(survey.url)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.count("<fieldset") == 5  # scale, yes/no, multiple, single choice, 0-10
    assert "<legend>How was the service?</legend>" in html
    for answer in ("Excellent", "Very good", "Good", "Fair", "Poor", "N/A"):
        assert f'value="{answer}"' in html
    assert 'value="0"' in html and 'value="10"' in html
    assert 'type="checkbox"' in html and 'value="Examples"' in html
    comment = names(survey)["What should we change?"]
    assert (
        f'<label for="id_{comment}">What should we change? <span class="muted">(optional)' in html
    )
    assert "If you answer “Yes”, skip to “Which product?”." in html
    assert 'data-skip-when="[&quot;Yes&quot;]"' in html
    assert "surveys/survey.js" in html


def test_a_member_answers_and_sees_the_thank_you_text(client_a, tenant_a, member, survey):
    response = client_a.post(survey.url, _answers(survey))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{survey.url}?answered=1"
    assert "Thank you" in client_a.get(response["Location"]).content.decode()
    (saved,) = _responses(tenant_a, survey)
    name = names(survey)
    assert saved.member_id == member.pk
    assert saved.form_data[name["What was missing?"]] == ["Docs", "Examples"]
    assert saved.form_data[name["How likely are you to recommend us?"]] == 9
    rows = {(a.question, a.value): a.points for a in saved.answers.all() if a.value}
    assert rows[(name["How was the service?"], "Very good")] == 4
    assert rows[(name["Was the answer right?"], "No")] == 0
    assert rows[(name["How likely are you to recommend us?"], "9")] == 9
    assert rows[(name["What was missing?"], "Docs")] is None
    texts = {a.question: a.text for a in saved.answers.all() if a.text}
    assert texts == {
        name["What should we change?"]: "More examples.",
        name["Your role"]: "Developer",
    }


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("How was the service?", "Superb", messages.CHOOSE_SHOWN),
        ("How was the service?", None, messages.CHOOSE_ONE),
        ("Was the answer right?", "Maybe", messages.ANSWER_YES_NO),
        ("Was the answer right?", None, messages.ANSWER_YES_NO),
        ("What was missing?", ["Docs", "Nope"], messages.CHOOSE_AMONG_SHOWN),
        ("What was missing?", None, messages.CHOOSE_AT_LEAST_ONE),
        ("What should we change?", "x" * 2001, messages.COMMENT_TOO_LONG),
        ("Which product?", "Mobile", messages.CHOOSE_SHOWN),
        ("Which product?", None, messages.CHOOSE_ONE),
        ("How likely are you to recommend us?", "11", messages.CHOOSE_RECOMMEND),
        ("How likely are you to recommend us?", "-1", messages.CHOOSE_RECOMMEND),
        ("How likely are you to recommend us?", "9.5", messages.CHOOSE_RECOMMEND),
        ("How likely are you to recommend us?", None, messages.CHOOSE_RECOMMEND),
        ("Your role", "r" * 256, messages.TEXT_TOO_LONG),
    ],
)
def test_a_bad_answer_is_explained_and_nothing_is_saved(
    client_a, tenant_a, member, survey, label, value, message
):
    response = client_a.post(survey.url, _answers(survey, **{label: value}))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert message in html
    assert 'role="alert"' in html and "Nothing was saved yet." in html
    assert _responses(tenant_a, survey) == []


def test_answers_to_skipped_questions_are_not_required_and_discarded(
    client_a, tenant_a, member, survey
):
    # "Yes" skips "What was missing?" and "What should we change?": one is left out, the other
    # is posted anyway (as a page without the script would), even with an answer not offered.
    data = _answers(
        survey,
        **{
            "Was the answer right?": "Yes",
            "What was missing?": None,
            "What should we change?": "=cmd|' /C calc'!A0",
        },
    )
    response = client_a.post(survey.url, data)
    assert response.status_code == HTTPStatus.FOUND
    (saved,) = _responses(tenant_a, survey)
    name = names(survey)
    assert saved.form_data[name["What was missing?"]] is None
    assert saved.form_data[name["What should we change?"]] is None
    assert saved.form_data[name["Which product?"]] == "Edge"
    questions = {answer.question for answer in saved.answers.all()}
    assert name["What was missing?"] not in questions
    assert name["What should we change?"] not in questions


def test_a_skipped_question_with_an_invalid_answer_is_not_an_error(
    client_a, tenant_a, member, survey
):
    data = _answers(survey, **{"Was the answer right?": "Yes", "What was missing?": ["Nope"]})
    assert client_a.post(survey.url, data).status_code == HTTPStatus.FOUND
    (saved,) = _responses(tenant_a, survey)
    assert saved.form_data[names(survey)["What was missing?"]] is None


def test_a_rule_to_the_end_skips_every_later_question(client_a, tenant_a, member):
    with tenant_a.activate():
        page = make_survey(
            title="Short",
            questions=[
                {"label": "Score", "field_type": "recommend", "skip_when": "0-6"},
                {"label": "What did we do well?", "field_type": "comment"},
                {"label": "Would you join a call?", "field_type": "yesno"},
            ],
        )
    name = names(page)
    # A detractor (0-6) finishes at once: the two required questions after it are skipped.
    response = client_a.post(page.url, {name["Score"]: "4", name["What did we do well?"]: "x"})
    assert response.status_code == HTTPStatus.FOUND
    (saved,) = _responses(tenant_a, page)
    assert saved.form_data == {
        name["Score"]: 4,
        name["What did we do well?"]: None,
        name["Would you join a call?"]: None,
    }


def test_a_promoter_is_not_skipped_and_must_answer_the_rest(client_a, tenant_a, member):
    with tenant_a.activate():
        page = make_survey(
            title="Short two",
            questions=[
                {"label": "Score", "field_type": "recommend", "skip_when": "0-6"},
                {"label": "What did we do well?", "field_type": "comment"},
            ],
        )
    response = client_a.post(page.url, {names(page)["Score"]: "9"})
    assert response.status_code == HTTPStatus.OK
    assert messages.WRITE_ANSWER in response.content.decode()
    assert _responses(tenant_a, page) == []


def test_a_second_response_is_refused_when_the_survey_takes_one(client_a, tenant_a, member, survey):
    client_a.post(survey.url, _answers(survey))
    response = client_a.post(survey.url, _answers(survey, **{"Which product?": "Data"}))
    assert response.status_code == HTTPStatus.OK
    assert ALREADY_ANSWERED in response.content.decode()
    (saved,) = _responses(tenant_a, survey)
    assert saved.form_data[names(survey)["Which product?"]] == "Edge"
    page = client_a.get(survey.url).content.decode()
    assert ALREADY_ANSWERED in page and "<form" not in page.split('id="main"')[1]


def test_a_survey_may_take_several_responses_per_member(client_a, tenant_a, member):
    with tenant_a.activate():
        page = make_survey(title="Weekly pulse", allow_multiple=True)
    for _ in range(2):
        assert client_a.post(page.url, _answers(page)).status_code == HTTPStatus.FOUND
    assert len(_responses(tenant_a, page)) == 2


def test_visitors_sign_in_first_unless_the_survey_is_anonymous(client_a, tenant_a, survey):
    for response in (client_a.get(survey.url), client_a.post(survey.url, _answers(survey))):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/accounts/login/")
    assert _responses(tenant_a, survey) == []

    with tenant_a.activate():
        open_survey = make_survey(title="Open to all", allow_anonymous=True)
    assert client_a.get(open_survey.url).status_code == HTTPStatus.OK
    assert client_a.post(open_survey.url, _answers(open_survey)).status_code == HTTPStatus.FOUND
    assert client_a.post(open_survey.url, _answers(open_survey)).status_code == HTTPStatus.FOUND
    assert [saved.member_id for saved in _responses(tenant_a, open_survey)] == [None, None]


def test_a_draft_survey_is_not_found(client_a, tenant_a, member):
    with tenant_a.activate():
        page = make_survey(title="Draft one", live=False)
        path = page.url_path.removeprefix(page.get_parent().url_path)
    assert client_a.get(f"/{path}").status_code == HTTPStatus.NOT_FOUND


def test_a_survey_of_portal_a_is_not_on_portal_b(client_b, tenant_b, member_factory, survey):
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    assert client_b.get(survey.url).status_code == HTTPStatus.NOT_FOUND
    assert client_b.post(survey.url, _answers(survey)).status_code == HTTPStatus.NOT_FOUND
    with tenant_b.activate():
        assert not SurveySubmission.objects.exists()


def test_the_service_refuses_a_second_response_directly(tenant_a, member_factory, survey):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        survey_submit(page=survey, member=member, answers={"x": None})
        with pytest.raises(SurveyError, match=ALREADY_ANSWERED):
            survey_submit(page=survey, member=member, answers={"x": None})
        assert SurveySubmission.objects.filter(page=survey).count() == 1


def test_simultaneous_responses_of_one_member_leave_one(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="twice@example.com")
        page = make_survey(title="Race")
        answers = {names(page)["How was the service?"]: "Good"}

    errors = race(tenant, [lambda: survey_submit(page=page, member=member, answers=answers)] * 4)

    assert len(errors) == 3
    assert all(isinstance(error, SurveyError) for error in errors)
    with tenant.activate():
        assert SurveySubmission.objects.filter(page=page, member=member).count() == 1
        assert SurveyAnswer.objects.filter(page=page).count() == 1


def test_the_page_stays_within_budget_whatever_the_number_of_responses(
    client_a, tenant_a, member, survey, django_assert_max_num_queries
):
    counts = []
    for others in (1, 8):
        with tenant_a.activate():
            while SurveySubmission.objects.filter(page=survey).count() < others:
                other = make_member(email=f"other{next(_numbers)}@a.test")
                survey_submit(page=survey, member=other, answers={"x": None})
        client_a.get(survey.url)  # warm the per-portal caches (the incident banner)
        with django_assert_max_num_queries(QUERY_BUDGET) as queries:
            assert client_a.get(survey.url).status_code == HTTPStatus.OK
        counts.append(len(queries))
        with django_assert_max_num_queries(QUERY_BUDGET) as queries:
            response = client_a.post(survey.url, _answers(survey, **{"Which product?": "Nope"}))
            assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    with django_assert_max_num_queries(QUERY_BUDGET) as queries:
        assert client_a.post(survey.url, _answers(survey)).status_code == HTTPStatus.FOUND
    print(f"survey page get, invalid post: {counts}; saved post: {len(queries)} queries")
    assert counts[:2] == counts[2:]


def test_a_response_to_the_course_feedback_survey_is_refused_here(client_a, tenant_a, member):
    from portal.surveys.course_feedback import course_feedback_survey_ensure
    from portal.surveys.services import COURSE_SURVEY_ONLY

    with tenant_a.activate():
        page = course_feedback_survey_ensure()
        url = page.url
    html = client_a.get(url).content.decode()
    assert COURSE_SURVEY_ONLY in html
    assert re.search(r"<form[^>]*data-survey", html) is None
    assert client_a.post(url, {"recommend": "9"}).status_code == HTTPStatus.OK
    assert _responses(tenant_a, page) == []
