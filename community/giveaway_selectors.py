"""Reads of giveaways: who meets a giveaway's rule (the draw's entries), the public list and a
giveaway's page with its recorded draw.

The rule of entry is read when the draw runs, over the period ``starts_at <= t < ends_at``
(the start included, the end excluded, so back-to-back periods never share a moment):

- ``answered_or_commented``: posted an answer or a comment in the period;
- ``answered``: posted an answer; ``asked``: asked a question;
- ``submitted_idea``: submitted an idea or a complaint;
- ``completed_course``: completed a course (``Enrollment.completed_at``) in the period.

Posts count only while they are visible: not hidden by a moderator, and not on a hidden
question (nor, for a comment, on a hidden answer); ideas only if not hidden. Staff and
superusers never enter, nor do deactivated accounts or members under a suspension in force when
the draw runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from community.list_selectors import page_of
from community.models import (
    Answer,
    Comment,
    Giveaway,
    GiveawayEntry,
    GiveawayWinner,
    Idea,
    Question,
    Suspension,
)

PER_PAGE = 20
# What to do to take part, by rule ("To take part, answer or comment on a question").
RULE_INVITATIONS = {
    Giveaway.Rule.ANSWERED_OR_COMMENTED: "answer or comment on a question",
    Giveaway.Rule.ANSWERED: "answer a question",
    Giveaway.Rule.ASKED: "ask a question",
    Giveaway.Rule.SUBMITTED_IDEA: "submit an idea or a complaint",
    Giveaway.Rule.COMPLETED_COURSE: "complete a course",
}


def _period(field: str, starts_at: datetime, ends_at: datetime) -> Q:
    return Q(**{f"{field}__gte": starts_at, f"{field}__lt": ends_at})


def _answers(starts_at: datetime, ends_at: datetime) -> QuerySet:
    return Answer.objects.filter(
        _period("created_at", starts_at, ends_at),
        hidden_at__isnull=True,
        question__hidden_at__isnull=True,
    ).values("author_id")


def _comments(starts_at: datetime, ends_at: datetime) -> QuerySet:
    on_question = Q(question__isnull=False, question__hidden_at__isnull=True)
    on_answer = Q(
        answer__isnull=False,
        answer__hidden_at__isnull=True,
        answer__question__hidden_at__isnull=True,
    )
    return Comment.objects.filter(
        _period("created_at", starts_at, ends_at), on_question | on_answer, hidden_at__isnull=True
    ).values("author_id")


def _questions(starts_at: datetime, ends_at: datetime) -> QuerySet:
    return Question.objects.filter(
        _period("created_at", starts_at, ends_at), hidden_at__isnull=True
    ).values("author_id")


def _ideas(starts_at: datetime, ends_at: datetime) -> QuerySet:
    return Idea.objects.filter(
        _period("created_at", starts_at, ends_at), hidden_at__isnull=True
    ).values("author_id")


def _completions(starts_at: datetime, ends_at: datetime) -> QuerySet:
    # courses.api has no "completed between" yet: the one read of courses' models here.
    from courses.models import Enrollment

    return Enrollment.objects.filter(_period("completed_at", starts_at, ends_at)).values(
        "member_id"
    )


def _qualifying(rule: str, starts_at: datetime, ends_at: datetime) -> Q:
    """A filter on members: those who did what ``rule`` asks in the period."""
    if rule == Giveaway.Rule.ANSWERED_OR_COMMENTED:
        return Q(pk__in=_answers(starts_at, ends_at)) | Q(pk__in=_comments(starts_at, ends_at))
    if rule == Giveaway.Rule.ANSWERED:
        return Q(pk__in=_answers(starts_at, ends_at))
    if rule == Giveaway.Rule.ASKED:
        return Q(pk__in=_questions(starts_at, ends_at))
    if rule == Giveaway.Rule.SUBMITTED_IDEA:
        return Q(pk__in=_ideas(starts_at, ends_at))
    if rule == Giveaway.Rule.COMPLETED_COURSE:
        return Q(pk__in=_completions(starts_at, ends_at))
    raise ValueError(f"Unknown giveaway rule: {rule!r}")


def _eligible_members(*, rule: str, starts_at: datetime, ends_at: datetime, now: datetime):
    suspended = Suspension.objects.filter(
        member=OuterRef("pk"), lifted_at__isnull=True, starts_at__lte=now
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return (
        get_user_model()
        .objects.filter(_qualifying(rule, starts_at, ends_at))
        .filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(Exists(suspended))
    )


def eligible_member_ids(
    *, rule: str, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> list[int]:
    """Ids of the members who enter a giveaway with ``rule`` over ``[starts_at, ends_at)``, as
    of ``now`` (suspensions), in ascending order: one query."""
    members = _eligible_members(
        rule=rule, starts_at=starts_at, ends_at=ends_at, now=now or timezone.now()
    )
    return list(members.order_by("pk").values_list("pk", flat=True))


def member_qualifies(*, giveaway: Giveaway, member) -> bool:
    """Whether ``member`` meets the giveaway's rule so far (for "you are in" on its page): one
    query, none for visitors."""
    if member is None or not member.is_authenticated:
        return False
    return (
        _eligible_members(
            rule=giveaway.rule,
            starts_at=giveaway.starts_at,
            ends_at=giveaway.ends_at,
            now=timezone.now(),
        )
        .filter(pk=member.pk)
        .exists()
    )


def status_of(giveaway: Giveaway, *, now: datetime | None = None) -> str:
    """ "upcoming", "open", "closed" (ended, not drawn yet) or "drawn"."""
    now = now or timezone.now()
    if giveaway.drawn_at is not None:
        return "drawn"
    if now < giveaway.starts_at:
        return "upcoming"
    if now < giveaway.ends_at:
        return "open"
    return "closed"


STATUS_LABELS = {
    "upcoming": "Starts soon",
    "open": "Open now",
    "closed": "Ended: winners to be drawn",
    "drawn": "Winners drawn",
}


def _winners_prefetch() -> Prefetch:
    return Prefetch(
        "winners",
        queryset=GiveawayWinner.objects.select_related("member").order_by("rank"),
        to_attr="winner_list",
    )


def giveaway_list(*, page: object = 1) -> Page:
    """A page of giveaways, the latest to end first, each with ``winner_list`` (members
    joined) and ``status``: two queries (the page with its total, the winners)."""
    giveaways = Giveaway.objects.order_by("-ends_at", "-pk").prefetch_related(_winners_prefetch())
    pager = page_of(giveaways, page=page, per_page=PER_PAGE)
    now = timezone.now()
    for giveaway in pager.object_list:
        giveaway.status = status_of(giveaway, now=now)
        giveaway.status_label = STATUS_LABELS[giveaway.status]
    return pager


@dataclass(frozen=True)
class EntryRow:
    position: int
    member_id: int
    name: str
    rank: int | None  # the winner's rank, None for the others


@dataclass
class GiveawayPage:
    giveaway: Giveaway
    status: str
    entries: list[EntryRow]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def winners(self) -> list[EntryRow]:
        return sorted((e for e in self.entries if e.rank is not None), key=lambda e: e.rank)


def giveaway_page(*, giveaway_id: int) -> GiveawayPage | None:
    """A giveaway with its recorded entries (members joined, each with their winner's rank if
    they won), or None: two queries (one before the draw)."""
    giveaway = Giveaway.objects.filter(pk=giveaway_id).first()
    if giveaway is None:
        return None
    entries: list[EntryRow] = []
    if giveaway.drawn_at is not None:
        rank = GiveawayWinner.objects.filter(
            giveaway_id=OuterRef("giveaway_id"), member_id=OuterRef("member_id")
        ).values("rank")
        rows = (
            GiveawayEntry.objects.filter(giveaway=giveaway)
            .select_related("member")
            .annotate(rank=Subquery(rank))
            .order_by("position")
        )
        entries = [
            EntryRow(
                position=row.position,
                member_id=row.member_id,
                name=row.member.public_name,
                rank=row.rank,
            )
            for row in rows
        ]
    return GiveawayPage(giveaway=giveaway, status=status_of(giveaway), entries=entries)


def recorded_entries(*, giveaway: Giveaway) -> list[tuple[int, int]]:
    """The recorded ``(position, member id)`` of a drawn giveaway, in order: one query."""
    return list(
        GiveawayEntry.objects.filter(giveaway=giveaway)
        .order_by("position")
        .values_list("position", "member_id")
    )
