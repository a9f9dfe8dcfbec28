"""Votes on questions and answers: cast, turned round or withdrawn, and their reputation.

One vote per member and post (a database constraint). Pressing the same direction again
withdraws the vote; the other direction turns it round, which the ledger records as the old vote
withdrawn and a new one cast. The post's ``score`` moves with ``F()`` and the authors'
reputation through ``community.reputation.reputation_record`` in the same transaction, so
scores and totals stay exact however many members vote at once.

Refusals (``CommunityError`` with a message fit to show): signed out or suspended, one's own
post, a hidden post, a down vote without the portal's ``downvote_reputation`` (staff and
moderators need none). Closed questions can still be voted on, as on Stack Overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from community.models import Answer, Question, Vote
from community.permissions import (
    OWN_POST_VOTE,
    CommunityError,
    downvote_refusal,
    participation_refusal,
)
from community.reputation import Change, Kind, reputation_record, reversals

UP = Vote.Value.UP
DOWN = Vote.Value.DOWN

BAD_VALUE = "A vote is either up or down."
HIDDEN_POST = "This post is hidden by a moderator, so it cannot be voted on."
VOTE_BUSY = "Your previous vote on this post was still being recorded: please try again."
VOTED = "You voted this {post} {direction}. Press “Vote {direction}” again to withdraw your vote."
WITHDRAWN = "Your vote on this {post} is withdrawn."


@dataclass(frozen=True)
class VoteOutcome:
    """What a vote did: the member's vote now (1, -1, or None once withdrawn), the post's new
    score, and a message for the member."""

    value: int | None
    score: int
    message: str


def _is_hidden(post: Question | Answer) -> bool:
    if post.hidden_at is not None:
        return True
    return isinstance(post, Answer) and post.question.hidden_at is not None


def _vote_keys(vote_id: int) -> list[str]:
    """The ledger keys of one vote: its effect on the author, and a down-voter's cost."""
    return [f"vote:{vote_id}", f"vote:{vote_id}:voter"]


def _vote_changes(*, vote: Vote, post: Question | Answer) -> list[Change]:
    author_key, voter_key = _vote_keys(vote.pk)
    if isinstance(post, Question):
        kind = Kind.QUESTION_UPVOTED if vote.value == UP else Kind.QUESTION_DOWNVOTED
        return [Change(post.author_id, kind, author_key, question_id=post.pk)]
    where = {"question_id": post.question_id, "answer_id": post.pk}
    if vote.value == UP:
        return [Change(post.author_id, Kind.ANSWER_UPVOTED, author_key, **where)]
    return [
        Change(post.author_id, Kind.ANSWER_DOWNVOTED, author_key, **where),
        Change(vote.member_id, Kind.DOWNVOTE_CAST, voter_key, **where),
    ]


def vote_refusal(*, member, post: Question | Answer) -> str | None:
    """Why ``member`` may not vote on ``post`` at all (either direction), or None.

    The down-vote privilege is checked by :func:`vote_cast`, since withdrawing a down vote
    needs none.
    """
    refusal = participation_refusal(member=member)
    if refusal:
        return refusal
    if post.author_id == member.pk:
        return OWN_POST_VOTE
    if _is_hidden(post):
        return HIDDEN_POST
    return None


def vote_cast(
    *,
    member,
    question: Question | None = None,
    answer: Answer | None = None,
    value: int,
) -> VoteOutcome:
    """``member`` votes ``value`` (1 up, -1 down) on ``question`` or ``answer`` (one of them).

    A new vote is recorded; the same value again withdraws the vote; the other value turns it
    round. Raises ``CommunityError`` for the refusals listed in the module's docstring, and
    for a second vote of the same member racing the first (``VOTE_BUSY``); nothing changes
    then.
    """
    if (question is None) == (answer is None):
        raise TypeError("vote_cast() takes a question or an answer.")
    post = question if question is not None else answer
    noun = "question" if question is not None else "answer"
    if value not in (UP, DOWN):
        raise CommunityError(BAD_VALUE)
    refusal = vote_refusal(member=member, post=post)
    if refusal:
        raise CommunityError(refusal)
    target = {"question": question} if question is not None else {"answer": answer}
    model = type(post)
    with transaction.atomic():
        existing = Vote.objects.select_for_update().filter(member=member, **target).first()
        casting = existing is None or existing.value != value
        if casting and value == DOWN:
            refusal = downvote_refusal(member=member)
            if refusal:
                raise CommunityError(refusal)
        changes: list[Change] = []
        delta = 0
        if existing is not None:
            changes += reversals(_vote_keys(existing.pk))
            delta -= existing.value
            existing.delete()
        if casting:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(member=member, value=value, **target)
            except IntegrityError as error:
                raise CommunityError(VOTE_BUSY) from error
            changes += _vote_changes(vote=vote, post=post)
            delta += value
        model.objects.filter(pk=post.pk).update(score=F("score") + delta)
        reputation_record(changes)
        score = model.objects.values_list("score", flat=True).get(pk=post.pk)
    if casting:
        direction = "up" if value == UP else "down"
        return VoteOutcome(value, score, VOTED.format(post=noun, direction=direction))
    return VoteOutcome(None, score, WITHDRAWN.format(post=noun))
