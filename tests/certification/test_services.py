"""Starting, answering, submitting and scoring attempts, with the exam's rules and time limit."""

from datetime import timedelta

from django.core.management import call_command
from django.db import IntegrityError

import pytest

from certification.blocks import MULTIPLE
from certification.models import Attempt, AttemptAnswer, QuestionBank
from certification.selectors import (
    ALREADY_PASSED,
    COOLING_DOWN,
    NO_ATTEMPTS_LEFT,
    PREREQUISITES_MISSING,
)
from certification.services import (
    ALREADY_SUBMITTED,
    NOT_AVAILABLE,
    ONE_CHOICE_ONLY,
    TIME_UP,
    UNKNOWN_CHOICE,
    UNKNOWN_QUESTION,
    ExamError,
    answers_save,
    attempt_start,
    attempt_submit,
)
from courses.services import enrollment_create, lesson_complete
from tests.concurrency import race
from tests.factories.certification import make_bank, make_exam, question
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _right(attempt, count=None) -> dict:
    return {q["id"]: q["correct"] for q in attempt.questions[:count]}


def _wrong(attempt) -> dict:
    return {
        q["id"]: [next(c["id"] for c in q["choices"] if c["id"] not in q["correct"])]
        for q in attempt.questions
    }


def test_starting_draws_the_exams_questions_and_sets_the_deadline(tenant_a, learner, clock):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=5, time_limit_minutes=30, pass_mark_percent=80)
        attempt = attempt_start(member=learner, exam=exam)
    assert attempt.is_open and attempt.question_count == 5
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    assert attempt.pass_mark_percent == 80


def test_starting_again_resumes_the_open_attempt(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam()
        first = attempt_start(member=learner, exam=exam)
        answers_save(attempt=first, answers=_right(first, 2))
        again = attempt_start(member=learner, exam=exam)
        assert again.pk == first.pk and again.questions == first.questions
        assert AttemptAnswer.objects.filter(attempt=first).count() == 2


def test_the_database_refuses_a_second_open_attempt(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam()
        attempt = attempt_start(member=learner, exam=exam)
        with pytest.raises(IntegrityError):
            Attempt.objects.create(
                member=learner,
                exam=exam,
                deadline=attempt.deadline,
                pass_mark_percent=70,
            )


def test_an_unpublished_exam_cannot_be_started(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(live=False)
        with pytest.raises(ExamError, match=NOT_AVAILABLE):
            attempt_start(member=learner, exam=exam)


def test_editing_a_bank_does_not_change_an_open_attempt(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=10)
        attempt = attempt_start(member=learner, exam=exam)
        bank = QuestionBank.objects.get()
        bank.questions = [question(text="Rewritten", topic="Other") for _ in range(10)]
        bank.save()
        attempt.refresh_from_db()
        answers_save(attempt=attempt, answers=_right(attempt))
        result, _ = attempt_submit(attempt=attempt)
    assert "Rewritten" not in str(attempt.questions)
    assert result.score_percent == 100


def test_answers_are_saved_as_given_and_replace_earlier_ones(tenant_a, learner):
    with tenant_a.activate():
        attempt = attempt_start(member=learner, exam=make_exam())
        first = attempt.questions[0]
        wrong = [c["id"] for c in first["choices"] if c["id"] not in first["correct"]][:1]
        answers_save(attempt=attempt, answers={first["id"]: wrong})
        answers_save(attempt=attempt, answers={first["id"]: first["correct"]})
        saved = AttemptAnswer.objects.get(attempt=attempt)
    assert saved.question_id == first["id"] and saved.choice_ids == first["correct"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda q: {"not-a-question": q["correct"]}, UNKNOWN_QUESTION),
        (lambda q: {q["id"]: ["not-a-choice"]}, UNKNOWN_CHOICE),
        (lambda q: {q["id"]: [{"id": 1}]}, UNKNOWN_CHOICE),
        (lambda q: {q["id"]: 42}, UNKNOWN_CHOICE),
        (lambda q: {q["id"]: [c["id"] for c in q["choices"][:2]]}, ONE_CHOICE_ONLY),
    ],
    ids=["unknown-question", "unknown-choice", "not-a-string", "not-a-list", "two-on-single"],
)
def test_bad_answers_are_refused_with_a_clear_message(tenant_a, learner, answer, message):
    with tenant_a.activate():
        attempt = attempt_start(member=learner, exam=make_exam())
        first = attempt.questions[0]
        with pytest.raises(ExamError, match=message):
            answers_save(attempt=attempt, answers={**_right(attempt, 1), **answer(first)})
        assert not AttemptAnswer.objects.exists()  # all or nothing


def test_multiple_choice_questions_take_several_answers(tenant_a, learner):
    with tenant_a.activate():
        bank = make_bank(
            name="Multi",
            data=[question(text="Pick two", kind=MULTIPLE, correct=(0, 1))],
        )
        attempt = attempt_start(
            member=learner, exam=make_exam(banks=[bank], questions_per_attempt=1)
        )
        answers_save(attempt=attempt, answers=_right(attempt))
        result, _ = attempt_submit(attempt=attempt)
    assert len(attempt.questions[0]["correct"]) == 2 and result.passed


def test_submitting_scores_on_the_server(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=5, pass_mark_percent=60)
        attempt = attempt_start(member=learner, exam=exam)
        answers_save(attempt=attempt, answers=_right(attempt, 3))
        result, submitted = attempt_submit(attempt=attempt)
        stored = Attempt.objects.get(pk=attempt.pk)
    assert submitted
    assert (stored.correct_count, stored.score_percent, stored.passed) == (3, 60, True)
    assert stored.breakdown == [{"topic": "Basics", "correct": 3, "total": 5, "percent": 60}]
    assert not stored.timed_out and result.status == Attempt.Status.SUBMITTED


def test_a_second_submit_changes_nothing_and_answers_after_it_are_refused(tenant_a, learner):
    with tenant_a.activate():
        attempt = attempt_start(member=learner, exam=make_exam())
        attempt_submit(attempt=attempt)
        answers_save_after = _right(attempt)
        again, submitted = attempt_submit(attempt=attempt)
        assert not submitted and again.score_percent == 0
        with pytest.raises(ExamError, match=ALREADY_SUBMITTED):
            answers_save(attempt=attempt, answers=answers_save_after)


def test_at_the_time_limit_the_attempt_is_submitted_with_what_was_answered(
    tenant_a, learner, clock
):
    with tenant_a.activate():
        exam = make_exam(questions_per_attempt=4, time_limit_minutes=20, pass_mark_percent=50)
        attempt = attempt_start(member=learner, exam=exam)
        answers_save(attempt=attempt, answers=_right(attempt, 2))
        clock.shift(timedelta(minutes=20))
        with pytest.raises(ExamError, match=TIME_UP):
            answers_save(attempt=attempt, answers=_right(attempt))
        stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == Attempt.Status.SUBMITTED and stored.timed_out
    assert stored.correct_count == 2 and stored.passed
    assert stored.submitted_at == stored.deadline


def test_an_attempt_left_open_is_submitted_when_the_member_comes_back(tenant_a, learner, clock):
    with tenant_a.activate():
        exam = make_exam(time_limit_minutes=10, cooldown_hours=0)
        first = attempt_start(member=learner, exam=exam)
        clock.shift(timedelta(days=2))
        second = attempt_start(member=learner, exam=exam)
        first.refresh_from_db()
    assert second.pk != first.pk and second.is_open
    assert first.timed_out and first.submitted_at == first.deadline


def test_the_command_submits_expired_attempts_in_every_portal(
    tenant_a, tenant_b, learner, member_factory, clock
):
    other = member_factory(tenant_b)
    with tenant_a.activate():
        expired = attempt_start(member=learner, exam=make_exam(time_limit_minutes=5))
    with tenant_b.activate():
        running = attempt_start(member=other, exam=make_exam(time_limit_minutes=60))
    clock.shift(timedelta(minutes=6))
    call_command("close_expired_attempts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with tenant_a.activate():
        assert Attempt.objects.get(pk=expired.pk).timed_out
    with tenant_b.activate():
        assert Attempt.objects.get(pk=running.pk).is_open


def test_a_retake_waits_for_the_cooldown(tenant_a, learner, clock):
    with tenant_a.activate():
        exam = make_exam(cooldown_hours=24, max_attempts=3)
        attempt_submit(attempt=attempt_start(member=learner, exam=exam))
        clock.shift(timedelta(hours=23, minutes=59))
        with pytest.raises(ExamError, match=COOLING_DOWN.format(hours=24)):
            attempt_start(member=learner, exam=exam)
        clock.shift(timedelta(minutes=1))
        assert attempt_start(member=learner, exam=exam).is_open


def test_attempts_stop_at_the_maximum(tenant_a, learner, clock):
    with tenant_a.activate():
        exam = make_exam(cooldown_hours=0, max_attempts=2)
        for _ in range(2):
            attempt_submit(attempt=attempt_start(member=learner, exam=exam))
        with pytest.raises(ExamError, match=NO_ATTEMPTS_LEFT):
            attempt_start(member=learner, exam=exam)
        unlimited = make_exam(title="Unlimited", cooldown_hours=0, max_attempts=0)
        for _ in range(4):
            attempt_submit(attempt=attempt_start(member=learner, exam=unlimited))


def test_a_passed_exam_is_not_taken_again(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(cooldown_hours=0)
        attempt = attempt_start(member=learner, exam=exam)
        answers_save(attempt=attempt, answers=_right(attempt))
        attempt_submit(attempt=attempt)
        with pytest.raises(ExamError, match=ALREADY_PASSED):
            attempt_start(member=learner, exam=exam)


def test_prerequisite_courses_must_be_completed_first(tenant_a, learner):
    with tenant_a.activate():
        course = make_course(title="Foundations", lessons=1)
        exam = make_exam(prerequisites=[course])
        with pytest.raises(ExamError, match=PREREQUISITES_MISSING):
            attempt_start(member=learner, exam=exam)
        enrollment_create(member=learner, course=course)
        lesson_complete(member=learner, lesson=course.get_children().specific().get())
        assert attempt_start(member=learner, exam=exam).is_open


def test_per_topic_counts_shape_each_attempt(tenant_a, learner):
    with tenant_a.activate():
        bank = make_bank(questions=30, topics=("Networking", "Storage", "Security"))
        exam = make_exam(banks=[bank], questions_per_attempt=6, quotas={"Networking": 4})
        attempt = attempt_start(member=learner, exam=exam)
    topics = [q["topic"] for q in attempt.questions]
    assert topics.count("Networking") == 4 and len(topics) == 6


def test_an_exam_its_banks_cannot_fill_refuses_to_start(tenant_a, learner):
    with tenant_a.activate():
        exam = make_exam(banks=[make_bank(questions=3)], questions_per_attempt=5)
        with pytest.raises(ExamError, match="not have enough questions"):
            attempt_start(member=learner, exam=exam)
        assert not Attempt.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_open_one_attempt(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="racer@example.com")
        exam = make_exam()
    started: list[int] = []
    errors = race(tenant, [lambda: started.append(attempt_start(member=member, exam=exam).pk)] * 3)
    assert errors == []
    with tenant.activate():
        assert Attempt.objects.count() == 1
    assert len(set(started)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_scores_once(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="racer@example.com")
        attempt = attempt_start(member=member, exam=make_exam(questions_per_attempt=4))
        answers_save(attempt=attempt, answers=_right(attempt, 3))
    outcomes: list[tuple[int, bool]] = []

    def submit():
        result, submitted = attempt_submit(attempt=attempt)
        outcomes.append((result.correct_count, submitted))

    errors = race(tenant, [submit] * 3)
    assert errors == []
    assert sorted(outcomes) == [(3, False), (3, False), (3, True)]
    with tenant.activate():
        stored = Attempt.objects.get()
    assert stored.correct_count == 3 and stored.status == Attempt.Status.SUBMITTED
