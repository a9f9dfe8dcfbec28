"""Writes of the certification app: start an attempt, save answers, submit and score.

Races are settled by the database: one open attempt per member and exam is a constraint (a
second start reads the first's row), answers and submission lock the attempt's row, and the
submission is a conditional UPDATE (``WHERE status = 'open'``), so a double submit scores once.
Time limits are enforced here, never in the browser.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from certification.award_services import award_for_pass
from certification.drawing import DrawError, bank_questions, draw
from certification.models import Attempt, AttemptAnswer, Exam
from certification.scoring import score
from certification.selectors import exam_standing

NOT_AVAILABLE = "This exam is not available."
TIME_UP = "Time is up: your attempt was submitted with the answers you had given."
ALREADY_SUBMITTED = "This attempt is already submitted."
UNKNOWN_QUESTION = "This question is not part of your attempt."
UNKNOWN_CHOICE = "That answer is not one of the question's choices."
ONE_CHOICE_ONLY = "Choose only one answer to this question."


class ExamError(Exception):
    """A learner's request that cannot be carried out; the message is fit to show."""


@transaction.atomic
def attempt_start(*, member, exam: Exam, by_voucher: bool = False) -> Attempt:
    """Start an attempt, or return the member's open one (a reload, a second tab).

    Raises ``ExamError`` when the exam is not published, the member may not start it (see
    ``selectors.exam_standing``: prerequisites, attempts used, cooldown, certification held)
    or its banks cannot fill an attempt. ``by_voucher`` (``voucher_services`` redeemed one)
    lifts the attempt limit and the cooldown. Two concurrent starts end with one attempt: the
    partial unique constraint refuses the second insert, which then reads the winner's row.
    """
    if not exam.live:
        raise ExamError(NOT_AVAILABLE)
    standing = exam_standing(exam=exam, member=member)
    if standing.open_attempt is not None:
        attempt = attempt_close_if_expired(attempt=standing.open_attempt)
        if attempt.is_open:
            return attempt
        standing = exam_standing(exam=exam, member=member)
    refusal = standing.voucher_refusal if by_voucher else standing.refusal
    if refusal:
        raise ExamError(refusal)
    quotas = {quota.topic: quota.count for quota in exam.topic_quotas.all()}
    try:
        questions = draw(
            bank_questions(exam.banks.all()), count=exam.questions_per_attempt, quotas=quotas
        )
    except DrawError as error:
        raise ExamError(str(error)) from None
    now = timezone.now()
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                member=member,
                exam=exam,
                started_at=now,
                deadline=now + timedelta(minutes=exam.time_limit_minutes),
                questions=questions,
                pass_mark_percent=exam.pass_mark_percent,
            )
    except IntegrityError:
        return Attempt.objects.get(member=member, exam=exam, status=Attempt.Status.OPEN)


def _checked_choices(question: dict, choice_ids: object) -> list[str]:
    if isinstance(choice_ids, str):
        choice_ids = [choice_ids]
    if not isinstance(choice_ids, list | tuple) or not all(isinstance(c, str) for c in choice_ids):
        raise ExamError(UNKNOWN_CHOICE)
    known = {choice["id"] for choice in question["choices"]}
    chosen = [choice for choice in known if choice in set(choice_ids)]
    if len(chosen) != len(set(choice_ids)):
        raise ExamError(UNKNOWN_CHOICE)
    if question["kind"] != "multiple" and len(chosen) > 1:
        raise ExamError(ONE_CHOICE_ONLY)
    return sorted(chosen)


def answers_save(*, attempt: Attempt, answers: dict[str, object]) -> int:
    """Save the member's answers (question id -> choice ids; an empty list clears one).

    Each answer replaces the previous one for its question (an upsert), so a reload or a
    repeated request loses and duplicates nothing. Raises ``ExamError`` for a question or
    choice not in the attempt, two choices on a single-answer question, a submitted attempt,
    or after the deadline (which also submits the attempt with the answers saved before it).
    Nothing is saved unless every answer is valid. Returns how many answers were saved.
    """
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        expired = locked.is_open and timezone.now() >= locked.deadline
        if not expired:
            if not locked.is_open:
                raise ExamError(ALREADY_SUBMITTED)
            by_id = {question["id"]: question for question in locked.questions}
            now = timezone.now()
            rows = []
            for question_id, choice_ids in answers.items():
                question = by_id.get(question_id)
                if question is None:
                    raise ExamError(UNKNOWN_QUESTION)
                rows.append(
                    AttemptAnswer(
                        attempt=locked,
                        question_id=question_id,
                        choice_ids=_checked_choices(question, choice_ids),
                        answered_at=now,
                    )
                )
            AttemptAnswer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["attempt", "question_id"],
                update_fields=["choice_ids", "answered_at"],
            )
            return len(rows)
    attempt_submit(attempt=locked, timed_out=True)
    raise ExamError(TIME_UP)


def attempt_submit(*, attempt: Attempt, timed_out: bool = False) -> tuple[Attempt, bool]:
    """Score and close the attempt; return it and whether this call submitted it.

    Submitting twice (two tabs, a double click, the timer and the member at once) scores once:
    the row is locked, and the update only applies while the attempt is open. Later calls
    return the attempt as scored, with False. An attempt submitted after its deadline is marked
    as timed out, with its submission time set to the deadline. A pass awards (or renews) the
    exam's certification in the same transaction, by the call that submitted it: once.
    """
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            return locked, False
        answers = dict(
            AttemptAnswer.objects.filter(attempt=locked).values_list("question_id", "choice_ids")
        )
        result = score(locked.questions, answers, pass_mark=locked.pass_mark_percent)
        now = timezone.now()
        late = now >= locked.deadline
        fields = {
            "status": Attempt.Status.SUBMITTED,
            "submitted_at": min(now, locked.deadline),
            "timed_out": timed_out or late,
            "correct_count": result.correct,
            "score_percent": result.percent,
            "passed": result.passed,
            "breakdown": result.breakdown,
        }
        updated = Attempt.objects.filter(pk=locked.pk, status=Attempt.Status.OPEN).update(**fields)
        for name, value in fields.items():
            setattr(locked, name, value)
        if updated and locked.passed:
            award_for_pass(attempt=locked)
        return locked, bool(updated)


def attempt_close_if_expired(*, attempt: Attempt) -> Attempt:
    """Submit an open attempt whose time is up (on any access after the deadline)."""
    if attempt.is_open and timezone.now() >= attempt.deadline:
        attempt, _ = attempt_submit(attempt=attempt, timed_out=True)
    return attempt


def attempts_close_expired() -> int:
    """Submit every open attempt past its deadline, in the current portal; returns how many."""
    closed = 0
    expired = Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lte=timezone.now())
    for attempt in expired.only("pk"):
        _, submitted = attempt_submit(attempt=attempt, timed_out=True)
        closed += submitted
    return closed
