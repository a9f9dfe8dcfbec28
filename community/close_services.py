"""Closing and reopening questions, and closing one as a duplicate of another.

Who may close or reopen is ``permissions.close_refusal`` (enough reputation; staff and
moderators always). A closed question stays readable and votable but takes no new answers:
the answer service refuses with ``CLOSED_NO_ANSWERS`` when ``question.closed_at`` is set
(``closed_answer_refusal``). A duplicate must be another visible question and may not lead
back to this one through other duplicates. Closing and reopening by staff or moderators is
written to the moderation log.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from community.models import ModerationAction, Question
from community.permissions import CommunityError, close_refusal, is_moderator

CLOSED_NO_ANSWERS = "This question is closed: it takes no new answers."
ALREADY_CLOSED = "This question is already closed."
NOT_CLOSED = "This question is open already."
REASON_UNKNOWN = "Choose why the question is being closed."
DUPLICATE_NEEDED = "Say which question this one duplicates: its number or its address."
DUPLICATE_NOT_FOUND = "There is no question {reference} to point to; check its number or address."
DUPLICATE_ITSELF = "A question cannot be a duplicate of itself."
DUPLICATE_LOOP = (
    "“{title}” is already closed as a duplicate leading back to this question; choose the "
    "question that holds the answer."
)
DUPLICATE_CHAIN_LIMIT = 20
DUPLICATE_LOCK = 0x636C6F7365  # pg_advisory_xact_lock key serialising duplicate closings

DUPLICATE = "duplicate"
CLOSE_REASONS = {
    DUPLICATE: "A duplicate of another question",
    "unclear": "Needs details or clarity",
    "off_topic": "Off-topic for this community",
    "resolved": "Resolved in the comments, or no longer reproducible",
}


class DuplicateError(CommunityError):
    """The question named as the original cannot be: missing, hidden, itself, or a loop."""


def closed_answer_refusal(*, question: Question) -> str | None:
    """Why ``question`` takes no answers (it is closed), or None. No query."""
    return CLOSED_NO_ANSWERS if question.closed_at is not None else None


def _duplicate_check(*, question: Question, duplicate_of: Question | None) -> None:
    if duplicate_of is None:
        raise DuplicateError(DUPLICATE_NEEDED)
    if duplicate_of.pk == question.pk:
        raise DuplicateError(DUPLICATE_ITSELF)
    if duplicate_of.hidden_at is not None:
        raise DuplicateError(DUPLICATE_NOT_FOUND.format(reference=f"#{duplicate_of.pk}"))
    seen = {duplicate_of.pk}
    next_id = duplicate_of.duplicate_of_id
    for _ in range(DUPLICATE_CHAIN_LIMIT):
        if next_id is None:
            return
        if next_id == question.pk or next_id in seen:
            raise DuplicateError(DUPLICATE_LOOP.format(title=duplicate_of.title))
        seen.add(next_id)
        next_id = (
            Question.objects.filter(pk=next_id).values_list("duplicate_of_id", flat=True).first()
        )
    raise DuplicateError(DUPLICATE_LOOP.format(title=duplicate_of.title))


def _log(*, member, action: str, question: Question, reason: str) -> None:
    if member.is_staff or is_moderator(member=member):
        ModerationAction.objects.create(
            moderator=member,
            action=action,
            member_id=question.author_id,
            question=question,
            reason=reason,
        )


@transaction.atomic
def question_close(
    *, member, question: Question, reason: str, duplicate_of: Question | None = None
) -> Question:
    """Close ``question`` for ``reason`` (a key of ``CLOSE_REASONS``), as a duplicate of
    ``duplicate_of`` when the reason is ``DUPLICATE``.

    Raises ``CommunityError`` when ``member`` may not close questions, the question is already
    closed (by someone quicker), the reason is unknown, or the duplicate is missing, hidden,
    the question itself or leads back to it (``DuplicateError``). Nothing changes then.
    """
    refusal = close_refusal(member=member)
    if refusal:
        raise CommunityError(refusal)
    if reason not in CLOSE_REASONS:
        raise CommunityError(REASON_UNKNOWN)
    if reason == DUPLICATE and duplicate_of is not None:
        # One duplicate closing at a time (taken before any row lock), reading the chain as
        # committed: closing A as a duplicate of B and B of A at once cannot make a loop.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DUPLICATE_LOCK])
        duplicate_of = Question.objects.filter(pk=duplicate_of.pk).first() or duplicate_of
    locked = Question.objects.select_for_update(no_key=True).get(pk=question.pk)
    if locked.closed_at is not None:
        raise CommunityError(ALREADY_CLOSED)
    if reason == DUPLICATE:
        _duplicate_check(question=locked, duplicate_of=duplicate_of)
    else:
        duplicate_of = None
    locked.closed_at = timezone.now()
    locked.closed_by = member
    locked.close_reason = CLOSE_REASONS[reason]
    locked.duplicate_of = duplicate_of
    locked.save(update_fields=["closed_at", "closed_by", "close_reason", "duplicate_of"])
    logged = locked.close_reason
    if duplicate_of is not None:
        logged = f"{logged}: #{duplicate_of.pk} {duplicate_of.title}"
    _log(member=member, action=ModerationAction.Action.CLOSE, question=locked, reason=logged)
    return locked


@transaction.atomic
def question_reopen(*, member, question: Question) -> Question:
    """Reopen a closed ``question``: it takes answers again and is no longer a duplicate.

    Raises ``CommunityError`` when ``member`` may not close questions or it is open already.
    """
    refusal = close_refusal(member=member)
    if refusal:
        raise CommunityError(refusal)
    locked = Question.objects.select_for_update(no_key=True).get(pk=question.pk)
    if locked.closed_at is None:
        raise CommunityError(NOT_CLOSED)
    was = locked.close_reason
    locked.closed_at = None
    locked.closed_by = None
    locked.close_reason = ""
    locked.duplicate_of = None
    locked.save(update_fields=["closed_at", "closed_by", "close_reason", "duplicate_of"])
    _log(
        member=member,
        action=ModerationAction.Action.REOPEN,
        question=locked,
        reason=f"Was closed: {was}" if was else "",
    )
    return locked
