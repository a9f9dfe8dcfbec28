"""A member's public community profile: who they are, their reputation, badges and best posts.

Query budget, whatever the number of posts: the member with their reputation 1 (none when the
member looks at their own profile: the request's user is them), their best questions and
answers with their totals and the number of members who signed up through their referral link
1 (one ``UNION ALL``), badges 1, and for the member themself their reputation history with their
reputation 1. Never the e-mail address: names and faces come from ``portal.accounts.api``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    Window,
)
from django.http import Http404

from certification import api as certification_api
from community.models import Answer, Question, ReputationEvent
from community.reputation import reputation_history
from portal.accounts.api import PublicProfile, public_profile, referral_count

TOP_POSTS = 20
HISTORY_LENGTH = 30


@dataclass(frozen=True)
class PostSummary:
    """One line of a profile's question or answer list."""

    kind: str  # "question" or "answer"
    pk: int
    question_id: int
    title: str  # the question's
    score: int
    created_at: datetime
    accepted: bool  # a question with an accepted answer; an accepted answer
    answer_count: int  # questions only
    closed: bool  # questions only


@dataclass(frozen=True)
class MemberProfile:
    profile: PublicProfile
    reputation: int
    badges: list
    questions: list[PostSummary]
    question_total: int
    answers: list[PostSummary]
    answer_total: int
    history: list[ReputationEvent] | None  # only for the member themself
    referral_count: int = 0  # members who signed up through their referral link


_COLUMNS = (
    "row_kind",
    "row_pk",
    "row_question",
    "row_title",
    "row_score",
    "row_created",
    "row_accepted",
    "row_answers",
    "row_closed",
    "row_total",
)
_ORDER = ("-score", "-created_at", "-pk")


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _referral_row(member_id: int):
    """One row of the union carrying, in ``row_total``, how many members signed up through the
    member's referral link (so the count costs no query of its own)."""
    return (
        get_user_model()
        .objects.filter(pk=member_id)
        .annotate(
            row_kind=Value("referrals", output_field=CharField()),
            row_pk=F("pk"),
            row_question=Value(0, output_field=IntegerField()),
            row_title=Value("", output_field=CharField()),
            row_score=Value(0, output_field=IntegerField()),
            row_created=F("date_joined"),
            row_accepted=Value(False, output_field=BooleanField()),
            row_answers=Value(0, output_field=IntegerField()),
            row_closed=Value(False, output_field=BooleanField()),
            row_total=referral_count(member_id),
        )
        .values_list(*_COLUMNS)
    )


def _best_posts(member_id: int) -> tuple[list[PostSummary], int, list[PostSummary], int, int]:
    """The member's 20 best visible questions and answers, how many there are, and how many
    members signed up through their referral link: one query."""
    questions = (
        Question.objects.filter(author_id=member_id, hidden_at__isnull=True)
        .annotate(
            row_kind=Value("question", output_field=CharField()),
            row_pk=F("pk"),
            row_question=F("pk"),
            row_title=F("title"),
            row_score=F("score"),
            row_created=F("created_at"),
            row_accepted=_flag(Q(accepted_answer__isnull=False)),
            row_answers=F("answer_count"),
            row_closed=_flag(Q(closed_at__isnull=False)),
            row_total=Window(Count("pk")),
        )
        .order_by(*_ORDER)
        .values_list(*_COLUMNS)[:TOP_POSTS]
    )
    answers = (
        Answer.objects.filter(
            author_id=member_id, hidden_at__isnull=True, question__hidden_at__isnull=True
        )
        .annotate(
            row_kind=Value("answer", output_field=CharField()),
            row_pk=F("pk"),
            row_question=F("question_id"),
            row_title=F("question__title"),
            row_score=F("score"),
            row_created=F("created_at"),
            row_accepted=_flag(Q(question__accepted_answer=F("pk"))),
            row_answers=Value(0, output_field=IntegerField()),
            row_closed=Value(False, output_field=BooleanField()),
            row_total=Window(Count("pk")),
        )
        .order_by(*_ORDER)
        .values_list(*_COLUMNS)[:TOP_POSTS]
    )
    lists: dict[str, list[PostSummary]] = {"question": [], "answer": []}
    totals = {"question": 0, "answer": 0, "referrals": 0}
    for (
        kind,
        pk,
        question_id,
        title,
        score,
        created,
        accepted,
        count,
        closed,
        total,
    ) in questions.union(answers, _referral_row(member_id), all=True):
        totals[kind] = total
        if kind == "referrals":
            continue
        lists[kind].append(
            PostSummary(kind, pk, question_id, title, score, created, accepted, count, closed)
        )
    for posts in lists.values():
        posts.sort(key=lambda post: (-post.score, -post.created_at.timestamp(), -post.pk))
    return (
        lists["question"],
        totals["question"],
        lists["answer"],
        totals["answer"],
        totals["referrals"],
    )


def member_profile_for(*, member_id: int, viewer) -> MemberProfile:
    """The profile of active member ``member_id`` as ``viewer`` sees it; ``Http404`` otherwise.

    Questions and answers are their 20 best by score (then newest), hidden ones and answers to
    hidden questions left out. The reputation history is shown to the member alone.
    """
    is_self = viewer is not None and viewer.is_authenticated and viewer.pk == member_id
    history = None
    if is_self and viewer.is_active:
        member = viewer
        history = list(reputation_history(member_id=member_id, limit=HISTORY_LENGTH))
        # No event: no reputation (the ledger is the truth; the recompute repairs drift).
        stored = getattr(history[0].member, "community_reputation", None) if history else None
        reputation = stored.total if stored else 0
    else:
        member = (
            get_user_model()
            .objects.filter(pk=member_id, is_active=True)
            .select_related("community_reputation")
            .first()
        )
        if member is None:
            raise Http404("No such member.")
        stored = getattr(member, "community_reputation", None)
        reputation = stored.total if stored else 0
    questions, question_total, answers, answer_total, referral_count = _best_posts(member_id)
    return MemberProfile(
        profile=public_profile(member),
        reputation=reputation,
        badges=certification_api.member_badges_summary(member_ids=[member_id]).get(member_id, []),
        questions=questions,
        question_total=question_total,
        answers=answers,
        answer_total=answer_total,
        history=history,
        referral_count=referral_count,
    )
