"""Accepting an answer: by the question's author, or staff and moderators.

A question has at most one accepted answer. Accepting another moves acceptance; accepting the
accepted one again withdraws it. Each acceptance writes its reputation events (+15 to the
answerer unless they asked the question, +2 to an asker accepting someone else's answer) and
tells the certification app (``answer_accepted``, the evidence of Expert badges); withdrawing
or moving it writes the reversals and ``answer_unaccepted``. All of it happens in one
transaction holding the question's row lock, so two accepts at once run one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from certification import api as certification_api
from community import notification_services
from community.models import Answer, Question, ReputationEvent
from community.permissions import CommunityError, is_moderator, participation_refusal
from community.reputation import Change, Kind, reputation_record, reversals

NOT_YOUR_QUESTION = "Only the member who asked this question, or staff, can accept an answer."
HIDDEN_ANSWER = "This answer is hidden by a moderator, so it cannot be accepted."
HIDDEN_QUESTION = "This question is hidden by a moderator, so its answers cannot be accepted."
ACCEPTED = "Answer accepted. Press “Unaccept” to withdraw the acceptance."
MOVED = "Answer accepted instead of the one accepted before."
UNACCEPTED = "Acceptance withdrawn: the question has no accepted answer now."


@dataclass(frozen=True)
class AcceptOutcome:
    """What pressing accept did: whether ``answer_id`` is now the accepted answer, the answer
    that lost acceptance (if another did), the names of badges the answerer earned, and a
    message for the member."""

    answer_id: int
    accepted: bool
    previous_answer_id: int | None
    message: str
    badges: list[str] = field(default_factory=list)


def can_accept(*, member, question: Question) -> bool:
    """Whether ``member`` may accept answers of ``question``: its author, staff, moderators.

    Templates ask this to show the accept button; no query for the author or staff (a
    moderator check reads the member's permissions once per request).
    """
    if member is None or not member.is_authenticated:
        return False
    return member.pk == question.author_id or member.is_staff or is_moderator(member=member)


def accept_refusal(*, member, question: Question) -> str | None:
    """Why ``member`` may not accept answers of ``question`` now (suspended too), or None."""
    refusal = participation_refusal(member=member)
    if refusal:
        return refusal
    if not can_accept(member=member, question=question):
        return NOT_YOUR_QUESTION
    return None


def _generation(answer_id: int) -> int:
    """How many times the answer's acceptance earned reputation so far (keys stay unique when
    an answer is accepted, withdrawn and accepted again)."""
    return ReputationEvent.objects.filter(answer_id=answer_id, kind=Kind.ANSWER_ACCEPTED).count()


def _accept_keys(answer_id: int, generation: int) -> list[str]:
    return [f"accept:{answer_id}:{generation}", f"accept:{answer_id}:{generation}:accepter"]


def _withdraw(answer_id: int) -> list[Change]:
    certification_api.answer_unaccepted(answer_id=answer_id)
    return reversals(_accept_keys(answer_id, _generation(answer_id)))


def _accept(*, member, answer: Answer, question: Question, now) -> tuple[list[Change], list[str]]:
    answerer_key, accepter_key = _accept_keys(answer.pk, _generation(answer.pk) + 1)
    where = {"question_id": question.pk, "answer_id": answer.pk}
    changes = []
    if answer.author_id != question.author_id:
        changes.append(Change(answer.author_id, Kind.ANSWER_ACCEPTED, answerer_key, **where))
        if member.pk == question.author_id:
            changes.append(Change(member.pk, Kind.ACCEPTED_AN_ANSWER, accepter_key, **where))
    tags = list(question.tags.order_by("name").values_list("slug", flat=True))
    earned = certification_api.answer_accepted(
        answer_id=answer.pk,
        member=answer.author,
        tags=tags[: certification_api.MAX_TAGS],
        accepted_at=now,
    )
    return changes, [award.badge.name for award in earned]


def answer_accept(*, member, answer: Answer) -> AcceptOutcome:
    """``member`` presses "Accept" on ``answer``: accept it, move acceptance to it, or withdraw
    it if it was the accepted one.

    Raises ``CommunityError`` when ``member`` may not (``accept_refusal``) or the answer or
    its question is hidden; nothing changes then.
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=answer.question_id)
        refusal = accept_refusal(member=member, question=question)
        if refusal:
            raise CommunityError(refusal)
        if question.hidden_at is not None:
            raise CommunityError(HIDDEN_QUESTION)
        previous = question.accepted_answer_id
        if answer.hidden_at is not None and previous != answer.pk:
            raise CommunityError(HIDDEN_ANSWER)
        changes: list[Change] = []
        if previous is not None:
            changes += _withdraw(previous)
        now = timezone.now()
        badges: list[str] = []
        if previous == answer.pk:
            Question.objects.filter(pk=question.pk).update(accepted_answer=None, accepted_at=None)
            outcome = AcceptOutcome(answer.pk, False, None, UNACCEPTED)
        else:
            accepted, badges = _accept(member=member, answer=answer, question=question, now=now)
            changes += accepted
            Question.objects.filter(pk=question.pk).update(accepted_answer=answer, accepted_at=now)
            message = MOVED if previous is not None else ACCEPTED
            outcome = AcceptOutcome(answer.pk, True, previous, message, badges)
            notification_services.notify_accepted(answer, actor=member)
        reputation_record(changes)
    return outcome
