"""The course feedback survey of the Training issue as one of the surveys: made once per portal
with the earlier answers, fed by every course answer (replaced when the member answers again,
exact under a race), shown with the other surveys' results, counted once in the NPS trend."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

import pytest

from courses.feedback_services import feedback_submit
from courses.models import CourseFeedback
from portal.models.surveys import SurveyAnswer, SurveyPage, SurveySubmission
from portal.surveys.api import nps_series
from portal.surveys.course_feedback import CORE_QUESTIONS, course_feedback_survey_ensure
from portal.surveys.forms import CORE_QUESTIONS as CORE_QUESTIONS_ERROR
from portal.surveys.selectors import survey_results
from tests.concurrency import race
from tests.factories.accounts import make_member
from tests.factories.courses import complete_course, make_course, make_feedback

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
ANSWER = {
    "content_rating": "5",
    "instructor_rating": "4",
    "pace_rating": "2",
    "recommend": "9",
    "comment": "Clear and practical.",
}
_numbers = itertools.count(1)


def _learner():
    return make_member(email=f"learner{next(_numbers)}@feedback.test")


@pytest.fixture
def graduate(client_a, tenant_a, member_factory):
    """A member of portal A, signed in, who completed a course; the portal has the survey."""
    member = member_factory(tenant_a)
    with tenant_a.activate():
        survey = course_feedback_survey_ensure()
        course = make_course(title="Deploying", lessons=1)
        complete_course(member=member, course=course)
        client_a.force_login(member)
    return member, course, survey


def _portal_made_before_surveys() -> None:
    """New portals get the course feedback survey when they are made (``seed_new_portal``);
    these tests start from a portal made before surveys existed."""
    for survey in SurveyPage.objects.filter(purpose=SurveyPage.COURSE_FEEDBACK):
        survey.delete()


def _feedback_url(course) -> str:
    return f"/learning/courses/{course.pk}/feedback/"


def test_the_survey_is_made_once_with_the_answers_given_before(tenant_a):
    with tenant_a.activate():
        _portal_made_before_surveys()
        course = make_course(title="Before", lessons=1)
        earlier = make_feedback(member=_learner(), course=course, recommend=10, comment="Great")
        CourseFeedback.objects.filter(pk=earlier.pk).update(
            created_at=timezone.now() - timedelta(days=30),
            updated_at=timezone.now() - timedelta(days=20),
        )
        earlier.refresh_from_db()

        survey = course_feedback_survey_ensure()
        assert course_feedback_survey_ensure().pk == survey.pk
        assert SurveyPage.objects.filter(purpose=SurveyPage.COURSE_FEEDBACK).count() == 1

        fields = survey.get_form_fields()
        assert [(f.clean_name, f.field_type) for f in fields] == [
            (name, kind) for name, kind, *_ in CORE_QUESTIONS
        ]
        (copied,) = SurveySubmission.objects.filter(page=survey)
        assert (copied.member_id, copied.course_id) == (earlier.member_id, course.pk)
        assert copied.submit_time == earlier.created_at
        assert copied.form_data == {
            "content_rating": "Very good",
            "instructor_rating": "Very good",
            "pace_rating": "Very good",
            "recommend": 10,
            "comment": "Great",
        }
        assert {a.submitted_at for a in copied.answers.all()} == {earlier.updated_at}


def test_each_course_answer_is_a_response_replaced_when_answered_again(
    client_a, tenant_a, graduate
):
    member, course, survey = graduate
    assert client_a.post(_feedback_url(course), ANSWER).status_code == HTTPStatus.FOUND
    client_a.post(_feedback_url(course), {**ANSWER, "pace_rating": "5", "comment": ""})

    with tenant_a.activate():
        (response,) = SurveySubmission.objects.filter(page=survey)
        assert (response.member_id, response.course_id) == (member.pk, course.pk)
        assert response.form_data["pace_rating"] == "Excellent"
        assert response.form_data["comment"] is None
        values = sorted(
            (a.question, a.value, a.points) for a in SurveyAnswer.objects.filter(page=survey)
        )
        assert values == [
            ("content_rating", "Excellent", 5),
            ("instructor_rating", "Very good", 4),
            ("pace_rating", "Excellent", 5),
            ("recommend", "9", 9),
        ]
        assert CourseFeedback.objects.get(member=member, course=course).pace_rating == 5


def test_the_results_and_csv_show_the_course_answers(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        survey = course_feedback_survey_ensure()
        course = make_course(title="=Formula course", lessons=1)
        for recommend, content in ((10, 5), (9, 4), (3, 1)):
            make_feedback(
                member=_learner(), course=course, recommend=recommend, content_rating=content
            )
        results = survey_results(page=SurveyPage.objects.get(pk=survey.pk))
        client_a.force_login(staff)
    by_name = {question.name: question for question in results.questions}
    assert results.responses == 3
    assert by_name["recommend"].nps == 33
    assert by_name["content_rating"].average == 3.3
    assert [bar.count for bar in by_name["content_rating"].bars] == [1, 1, 0, 0, 1]  # no N/A

    html = client_a.get(f"/admin/reports/surveys/{survey.pk}/").content.decode()
    assert "answered from each course" in html
    response = client_a.get(f"/admin/reports/surveys/{survey.pk}/responses.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Submitted", "Updated", "Course"]
    assert {row[2] for row in rows[1:]} == {"'=Formula course"}


def test_the_nps_trend_counts_a_course_answer_once(tenant_a):
    with tenant_a.activate():
        course_feedback_survey_ensure()
        course = make_course(title="Once", lessons=1)
        make_feedback(member=_learner(), course=course, recommend=10)
        today = timezone.localdate()
        (week,) = nps_series(start=today, end=today)
    assert (week["responses"], week["promoters"], week["nps"]) == (1, 1, 100)


def test_without_the_survey_course_answers_are_saved_as_before(tenant_a):
    with tenant_a.activate():
        _portal_made_before_surveys()
        course = make_course(title="No survey yet", lessons=1)
        make_feedback(member=_learner(), course=course)
        assert CourseFeedback.objects.count() == 1
        assert not SurveySubmission.objects.exists()


def test_a_new_portal_has_the_course_feedback_survey(tenant_a):
    with tenant_a.activate():
        survey = SurveyPage.objects.get(purpose=SurveyPage.COURSE_FEEDBACK)
        assert survey.live and course_feedback_survey_ensure().pk == survey.pk


def test_simultaneous_course_answers_leave_one_response(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
        survey = course_feedback_survey_ensure()
        member = make_member(email="twice@example.com")
        course = make_course(title="Race", lessons=1)
        complete_course(member=member, course=course)

    def answer(recommend: int):
        return lambda: feedback_submit(
            member=member,
            course=course,
            content_rating=3,
            instructor_rating=3,
            pace_rating=3,
            recommend=recommend,
        )

    assert race(tenant, [answer(n) for n in (2, 10, 6, 9)]) == []
    with tenant.activate():
        (row,) = CourseFeedback.objects.filter(member=member, course=course)
        (response,) = SurveySubmission.objects.filter(page=survey, member=member, course=course)
        assert response.form_data["recommend"] == row.recommend
        answers = SurveyAnswer.objects.filter(submission=response)
        assert answers.count() == 4
        assert answers.get(question="recommend").points == row.recommend


def test_the_course_survey_page_stays_within_budget_with_the_survey(
    client_a, tenant_a, graduate, django_assert_max_num_queries
):
    _, course, _ = graduate
    counts = []
    for others in (1, 6):
        with tenant_a.activate():
            while CourseFeedback.objects.filter(course=course).count() < others:
                make_feedback(member=_learner(), course=course)
        client_a.get(_feedback_url(course))  # warm the portal's caches (its page tree changed)
        for method in ("get", "post"):
            with django_assert_max_num_queries(QUERY_BUDGET) as queries:
                response = getattr(client_a, method)(_feedback_url(course), ANSWER)
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
            counts.append(len(queries))
    print(f"course feedback page get, post: {counts} queries")
    assert counts[:2] == counts[2:]


def test_the_editor_keeps_the_course_survey_questions(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        survey = course_feedback_survey_ensure()
        fields = list(survey.get_form_fields())
        client_a.force_login(staff)
    data = {
        "title": survey.title,
        "slug": survey.slug,
        "form_fields-TOTAL_FORMS": str(len(fields)),
        "form_fields-INITIAL_FORMS": str(len(fields)),
        "form_fields-MIN_NUM_FORMS": "0",
        "form_fields-MAX_NUM_FORMS": "1000",
    }
    for number, field in enumerate(fields):
        prefix = f"form_fields-{number}-"
        data.update(
            {
                f"{prefix}id": str(field.pk),
                f"{prefix}label": field.label,
                f"{prefix}field_type": field.field_type,
                f"{prefix}required": "on" if field.required else "",
                f"{prefix}ORDER": str(number + 1),
                f"{prefix}DELETE": "on" if field.clean_name == "recommend" else "",
            }
        )
    response = client_a.post(f"/admin/pages/{survey.pk}/edit/", data)
    assert response.status_code == HTTPStatus.OK
    message = CORE_QUESTIONS_ERROR.format(names=", ".join(n for n, *_ in CORE_QUESTIONS))
    assert message.split("'s")[-1].split(":")[0] in response.content.decode()
    with tenant_a.activate():
        assert survey.form_fields.count() == len(fields)

    data["form_fields-3-DELETE"] = ""
    data["form_fields-3-label"] = "Would you recommend it?"
    data["action-publish"] = "action-publish"
    response = client_a.post(f"/admin/pages/{survey.pk}/edit/", data)
    assert response.status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        assert survey.form_fields.get(clean_name="recommend").label == "Would you recommend it?"
