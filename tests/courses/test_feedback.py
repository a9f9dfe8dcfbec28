"""The survey at the end of a course: who may answer, validation, updating, races, the prompt."""

import itertools
import re
from http import HTTPStatus

from django.core.exceptions import ValidationError

import pytest

from courses.feedback_services import NOT_COMPLETED, feedback_submit
from courses.forms import CHOOSE_RATING, CHOOSE_RECOMMEND
from courses.models import CourseFeedback, Enrollment, LessonPage
from courses.services import CourseError, enrollment_create, lesson_complete
from portal.demo import SeedContext, seed_courses, seed_feedback, seed_members
from tests.concurrency import race
from tests.factories.accounts import make_member
from tests.factories.courses import complete_course, make_course, make_feedback

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
_numbers = itertools.count(1)
ANSWER = {
    "content_rating": "5",
    "instructor_rating": "4",
    "pace_rating": "3",
    "recommend": "9",
    "comment": "Clear and practical.",
}


def _url(course) -> str:
    return f"/learning/courses/{course.pk}/feedback/"


@pytest.fixture
def graduate(client_a, tenant_a, member_factory):
    """A member of portal A, signed in on ``client_a``, who completed a two-lesson course."""
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Deploying", lessons=2)
        complete_course(member=member, course=course)
        client_a.force_login(member)
        url = course.url
    return member, course, url


def _answers(tenant, course) -> list[CourseFeedback]:
    with tenant.activate():
        return list(CourseFeedback.objects.filter(course=course))


def test_the_survey_has_labelled_groups_for_each_question(client_a, graduate):
    _, course, url = graduate
    response = client_a.get(_url(course))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.count("<fieldset") == 4
    assert "<legend>How good was the content?</legend>" in html
    assert "How likely are you to recommend this course" in html
    assert 'value="0"' in html and 'value="10"' in html
    assert '<label for="id_comment">' in html


def test_a_graduate_answers_and_is_thanked_on_the_course_page(client_a, tenant_a, graduate):
    member, course, url = graduate
    response = client_a.post(_url(course), ANSWER)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    (answer,) = _answers(tenant_a, course)
    assert answer.member_id == member.pk
    assert (answer.content_rating, answer.instructor_rating, answer.pace_rating) == (5, 4, 3)
    assert (answer.recommend, answer.comment) == (9, "Clear and practical.")
    page = client_a.get(url).content.decode()
    assert "Thank you for your feedback on “Deploying”." in page


def test_answering_again_replaces_the_first_answer(client_a, tenant_a, graduate):
    _, course, url = graduate
    client_a.post(_url(course), ANSWER)
    (first,) = _answers(tenant_a, course)

    client_a.post(_url(course), {**ANSWER, "content_rating": "2", "comment": ""})

    (answer,) = _answers(tenant_a, course)
    assert answer.pk == first.pk
    assert (answer.content_rating, answer.comment) == (2, "")
    assert answer.created_at == first.created_at
    assert answer.updated_at > first.updated_at
    html = client_a.get(_url(course)).content.decode()
    assert re.search(r'<input[^>]*name="content_rating" value="2"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="content_rating" value="5"[^>]*checked', html)
    assert "Update my feedback" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("content_rating", "6", CHOOSE_RATING),
        ("instructor_rating", "0", CHOOSE_RATING),
        ("pace_rating", "three", CHOOSE_RATING),
        ("content_rating", None, CHOOSE_RATING),
        ("recommend", "11", CHOOSE_RECOMMEND),
        ("recommend", "-1", CHOOSE_RECOMMEND),
        ("recommend", "9.5", CHOOSE_RECOMMEND),
        ("recommend", None, CHOOSE_RECOMMEND),
        ("comment", "x" * 2001, "Keep your comment to 2,000 characters or fewer."),
    ],
)
def test_bad_answers_are_explained_and_nothing_is_saved(
    client_a, tenant_a, graduate, field, value, message
):
    _, course, url = graduate
    data = {**ANSWER, field: value} if value is not None else {
        name: answer for name, answer in ANSWER.items() if name != field
    }  # fmt: skip
    response = client_a.post(_url(course), data)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert _answers(tenant_a, course) == []


@pytest.mark.parametrize("progress", ["not enrolled", "halfway"])
def test_members_who_have_not_completed_the_course_are_told_why(
    client_a, tenant_a, member_factory, progress
):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Halfway", lessons=2)
        if progress == "halfway":
            enrollment_create(member=member, course=course)
            lesson_complete(member=member, lesson=LessonPage.objects.child_of(course).first())
        client_a.force_login(member)

    for response in (client_a.get(_url(course)), client_a.post(_url(course), ANSWER)):
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert NOT_COMPLETED in response.content.decode()
    assert _answers(tenant_a, course) == []


def test_the_survey_asks_visitors_to_sign_in(client_a, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Public", lessons=1)
    response = client_a.get(_url(course))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_or_unpublished_course_is_not_found(client_a, tenant_a, graduate):
    _, course, url = graduate
    assert client_a.get("/learning/courses/999999/feedback/").status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        course.unpublish()
    assert client_a.get(_url(course)).status_code == HTTPStatus.NOT_FOUND


def test_a_course_of_portal_a_has_no_survey_on_portal_b(
    client_b, tenant_b, tenant_a, graduate, member_factory
):
    _, course, url = graduate
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    assert client_b.get(_url(course)).status_code == HTTPStatus.NOT_FOUND
    assert client_b.post(_url(course), ANSWER).status_code == HTTPStatus.NOT_FOUND


def test_the_service_refuses_out_of_range_values_and_unfinished_courses(tenant_a, member_factory):
    member, stranger = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Rules", lessons=1)
        complete_course(member=member, course=course)
        answer = {"content_rating": 4, "instructor_rating": 4, "pace_rating": 4, "recommend": 7}
        with pytest.raises(ValidationError) as error:
            feedback_submit(member=member, course=course, **{**answer, "pace_rating": 9})
        assert "pace_rating" in error.value.message_dict
        with pytest.raises(CourseError, match=NOT_COMPLETED):
            feedback_submit(member=stranger, course=course, **answer)
        assert not CourseFeedback.objects.exists()


def test_simultaneous_answers_by_one_member_leave_one_row(fresh_tenant):
    tenant = fresh_tenant()
    with tenant.activate():
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

    errors = race(tenant, [answer(n) for n in (2, 10, 6, 9)])

    assert errors == []
    with tenant.activate():
        (row,) = CourseFeedback.objects.filter(member=member, course=course)
        assert row.recommend in (2, 10, 6, 9)


def test_the_course_page_invites_graduates_until_they_answer(client_a, tenant_a, graduate):
    _, course, url = graduate
    assert _url(course) in client_a.get(url).content.decode()
    client_a.post(_url(course), ANSWER)
    assert _url(course) not in client_a.get(url).content.decode()


def test_the_course_page_does_not_invite_members_still_learning(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Ongoing", lessons=2)
        enrollment_create(member=member, course=course)
        client_a.force_login(member)
        url = course.url
    assert _url(course) not in client_a.get(url).content.decode()


def test_marking_the_last_lesson_done_points_to_the_survey(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Almost", lessons=2)
        first, last = LessonPage.objects.child_of(course).order_by("path")
        enrollment_create(member=member, course=course)
        client_a.force_login(member)
        course_url = course.url

    page = client_a.post(f"/learning/lessons/{first.pk}/done/", follow=True).text
    assert "you completed the course" not in page
    page = client_a.post(f"/learning/lessons/{last.pk}/done/", follow=True).text
    assert "you completed the course! Tell us how it was" in page
    assert _url(course) in client_a.get(course_url).text


def test_the_survey_stays_within_budget_whatever_the_number_of_answers(
    client_a, tenant_a, graduate, member_factory, django_assert_max_num_queries
):
    _, course, url = graduate
    counts = []
    for others in (1, 6):
        with tenant_a.activate():
            while CourseFeedback.objects.filter(course=course).count() < others:
                other = make_member(email=f"other{next(_numbers)}@a.test")
                make_feedback(member=other, course=course)
        client_a.get(_url(course))
        for method in ("get", "post"):
            with django_assert_max_num_queries(QUERY_BUDGET) as queries:
                response = getattr(client_a, method)(_url(course), ANSWER)
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def test_the_demo_seed_answers_the_survey_once(tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ctx = SeedContext(organization=tenant_a.organization, domain=tenant_a.domain, created=False)
    with tenant_a.activate():
        seed_members(ctx)
        seed_courses(ctx)
        seed_feedback(ctx)
        seed_feedback(ctx)
        answers = list(CourseFeedback.objects.select_related("course", "member"))
        completed = Enrollment.objects.filter(completed_at__isnull=False).count()
    assert completed == 2
    assert sorted(answer.member.email for answer in answers) == [
        "learner1@demo.localhost",
        "learner2@demo.localhost",
    ]
    assert {answer.course.slug for answer in answers} == {"getting-started"}
    assert sum("answered the survey" in line for line in ctx.lines) == 2
