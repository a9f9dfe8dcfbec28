"""Exam, attempt, result, verify and "My certifications" pages: at most 12 queries, the same
for 10 or 40 questions, 1 or many awards and badges."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from certification.award_services import award_revoke
from certification.models import Award, Badge
from certification.services import answers_save, attempt_start, attempt_submit
from courses.services import enrollment_create, lesson_complete
from tests.factories.badges import give_badge, make_badge, revoke_badge
from tests.factories.certification import make_bank, make_certification, make_exam, take_exam
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def _attempt(member, *, questions: int, reveal: bool, submit: bool):
    bank = make_bank(name=f"Bank {questions}", questions=questions, topics=("A", "B", "C"))
    exam = make_exam(
        title=f"Exam {questions}",
        banks=[bank],
        questions_per_attempt=questions,
        reveal_answers=reveal,
    )
    attempt = attempt_start(member=member, exam=exam)
    answers_save(attempt=attempt, answers={q["id"]: q["correct"] for q in attempt.questions[::2]})
    if submit:
        attempt_submit(attempt=attempt)
    return attempt


@pytest.mark.parametrize(
    ("page", "reveal"), [("attempt", False), ("result", False), ("result", True)]
)
def test_attempt_and_result_pages_cost_the_same_for_10_or_40_questions(
    signed_in, tenant_a, learner, django_assert_max_num_queries, page, reveal
):
    counts = []
    for questions in (10, 40):
        with tenant_a.activate():
            attempt = _attempt(learner, questions=questions, reveal=reveal, submit=page == "result")
        path = f"/certification/attempts/{attempt.pk}/" + ("result/" if page == "result" else "")
        signed_in.get(path)  # warm the per-portal caches (site root paths)
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(signed_in, path))
    assert counts[0] == counts[1]
    print(f"{page} reveal={reveal}: {counts[0]} queries")


@pytest.mark.parametrize("signed_in_member", [False, True])
def test_the_exam_page_costs_the_same_whatever_the_number_of_attempts(
    client_a, tenant_a, learner, django_assert_max_num_queries, signed_in_member
):
    if signed_in_member:
        with tenant_a.activate():
            client_a.force_login(learner)
    with tenant_a.activate():
        # Three prerequisites: checked in one query (courses.api.completed_course_ids).
        prerequisites = [make_course(title=f"Prerequisite {n}", lessons=1) for n in range(3)]
        for course in prerequisites:
            enrollment_create(member=learner, course=course)
            lesson_complete(member=learner, lesson=course.get_children().specific().get())
        exam = make_exam(cooldown_hours=0, max_attempts=0, prerequisites=prerequisites)
    counts = []
    for attempts in (2, 8):
        with tenant_a.activate():
            while exam.attempts.count() < attempts:
                attempt_submit(attempt=attempt_start(member=learner, exam=exam))
        client_a.get(f"/certification/exams/{exam.slug}/")  # warm the caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(client_a, f"/certification/exams/{exam.slug}/"))
    assert counts[0] == counts[1]
    print(f"exam page signed_in={signed_in_member}: {counts[0]} queries")


def test_the_index_costs_the_same_whatever_the_number_of_exams(
    client_a, tenant_a, django_assert_max_num_queries
):
    counts = []
    for exams in (2, 8):
        with tenant_a.activate():
            bank = make_bank(name=f"Shared {exams}")
            for number in range(exams - (2 if exams == 8 else 0)):
                make_exam(title=f"Exam {exams}-{number}", banks=[bank])
        client_a.get("/certification/")  # warm the caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(client_a, "/certification/"))
    assert counts[0] == counts[1]


def test_saving_an_answer_costs_the_same_for_10_or_40_questions(
    signed_in, tenant_a, learner, django_assert_max_num_queries
):
    counts = []
    for questions in (10, 40):
        with tenant_a.activate():
            attempt = _attempt(learner, questions=questions, reveal=False, submit=False)
        first = attempt.questions[1]
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.post(
                f"/certification/attempts/{attempt.pk}/answer/",
                {"question": first["id"], "choices": first["correct"]},
            )
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert counts[0] == counts[1] <= QUERY_BUDGET
    print(f"answer: {counts[0]} queries")


def _certify(member, name: str, **fields) -> Award:
    certification = make_certification(name=name, **fields)
    take_exam(member=member, exam=certification.exam)
    return Award.objects.get(member=member, certification=certification, current=True)


@pytest.mark.parametrize("kind", ["certification", "expert"])
@pytest.mark.parametrize("signed_in_member", [False, True])
def test_the_verify_page_costs_the_same_however_many_credentials_exist(
    client_a,
    tenant_a,
    learner,
    member_factory,
    django_assert_max_num_queries,
    kind,
    signed_in_member,
):
    if signed_in_member:
        viewer = member_factory(tenant_a)
        with tenant_a.activate():
            client_a.force_login(viewer)
    with tenant_a.activate():
        if kind == "certification":
            credential = _certify(learner, "Cloud", validity_months=12)
        else:
            credential = give_badge(member=learner, badge=make_badge(name="Cloud Expert"))
    url = f"/verify/{credential.public_id}/"
    counts = []
    for more in (0, 6):
        with tenant_a.activate():
            for number in range(more):
                other = member_factory(tenant_a)
                _certify(other, f"Other {number}")
                give_badge(member=other, badge=make_badge(name=f"Other Expert {number}"))
        client_a.get(url)  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(client_a, url))
    assert counts[0] == counts[1]
    print(f"verify {kind} signed_in={signed_in_member}: {counts[0]} queries")


def _badges_and_awards(member, *, awards: int, badges: int, offset: int) -> None:
    """``awards`` certifications (every third revoked) and ``badges`` Expert badges (every third
    expired) for ``member``."""
    for number in range(offset, offset + awards):
        award = _certify(member, f"Cert {number}", validity_months=12)
        if number % 3 == 2:
            award_revoke(award=award, reason="Copied", revoked_by=None)
    for number in range(offset, offset + badges):
        expires = timezone.now() - timedelta(days=1) if number % 3 == 2 else None
        give_badge(member=member, badge=make_badge(name=f"Expert {number}"), expires_at=expires)


def test_my_certifications_costs_the_same_for_1_or_many_awards_and_badges(
    signed_in, tenant_a, learner, django_assert_max_num_queries
):
    counts = []
    with tenant_a.activate():
        _badges_and_awards(learner, awards=1, badges=1, offset=0)
    signed_in.get("/certification/mine/")  # warm the per-portal caches
    with django_assert_max_num_queries(QUERY_BUDGET):
        counts.append(_queries(signed_in, "/certification/mine/"))
    with tenant_a.activate():
        _badges_and_awards(learner, awards=6, badges=5, offset=1)
        mvp = give_badge(member=learner, badge=make_badge(name="MVP", kind=Badge.Kind.MVP))
        revoke_badge(award=mvp, reason="x")
        give_badge(member=learner, badge=mvp.badge)  # the title again: history
    with django_assert_max_num_queries(QUERY_BUDGET):
        counts.append(_queries(signed_in, "/certification/mine/"))
    assert counts[0] == counts[1]
    print(f"my certifications with badges: {counts[0]} queries")


def test_my_certifications_costs_the_same_for_1_or_many_expert_badges_to_earn(
    signed_in, tenant_a, learner, django_assert_max_num_queries
):
    counts = []
    for offers in (1, 6):
        with tenant_a.activate():
            cloud = make_certification(name=f"Cloud {offers}")
            while Badge.objects.count() < offers:
                make_badge(name=f"Offer {Badge.objects.count()}", required_certification=cloud)
        signed_in.get("/certification/mine/")  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(signed_in, "/certification/mine/"))
    assert counts[0] == counts[1]
    print(f"my certifications with badges to earn: {counts[0]} queries")
