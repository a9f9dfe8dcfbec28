"""The reputation ledger: what each event is worth, how events are written, and the recompute.

Reputation is the sum of a member's :class:`~community.models.ReputationEvent` rows (the
truth); ``MemberReputation.total`` is that sum kept up to date with ``F()`` in the transaction
that writes the events. Votes and acceptance (``community.vote_services``,
``community.accept_services``) are the only writers; they describe what happened as
:class:`Change` rows and call :func:`reputation_record`.

Points, as on Stack Overflow (docs/community.md shows the same table):

=========================  ======  ==========================================================
event                      points  who
=========================  ======  ==========================================================
question voted up            +10   the question's author
question voted down           -2   the question's author (voting a question down is free)
answer voted up              +10   the answer's author
answer voted down             -2   the answer's author
voted an answer down          -1   the voter
answer accepted              +15   the answer's author (not when they asked the question)
accepted an answer            +2   the asker who accepted (not their own answer; not staff)
=========================  ======  ==========================================================

Undoing a cause (a vote withdrawn or turned round, acceptance withdrawn or moved) writes a
``reversal`` event with the opposite points under the key ``<cause key>:undo``, so the ledger
tells the whole story and totals stay a plain sum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from community.models import MemberReputation, ReputationEvent

Kind = ReputationEvent.Kind

#: The points of each kind of event; the one place to change them.
POINTS: dict[str, int] = {
    Kind.QUESTION_UPVOTED: 10,
    Kind.QUESTION_DOWNVOTED: -2,
    Kind.ANSWER_UPVOTED: 10,
    Kind.ANSWER_DOWNVOTED: -2,
    Kind.DOWNVOTE_CAST: -1,
    Kind.ANSWER_ACCEPTED: 15,
    Kind.ACCEPTED_AN_ANSWER: 2,
}

UNDO_SUFFIX = ":undo"


@dataclass(frozen=True)
class Change:
    """One event to write: ``points`` default to ``POINTS[kind]``."""

    member_id: int
    kind: str
    key: str
    question_id: int | None = None
    answer_id: int | None = None
    points: int | None = None

    @property
    def value(self) -> int:
        return POINTS[self.kind] if self.points is None else self.points


_INSERT = """
    INSERT INTO {table} (member_id, kind, points, key, question_id, answer_id, created_at)
    VALUES {rows}
    ON CONFLICT (key) DO NOTHING
    RETURNING member_id, points
"""


@transaction.atomic
def reputation_record(changes: Iterable[Change]) -> dict[int, int]:
    """Write ``changes`` to the ledger and add them to the members' totals.

    A change whose key is already in the ledger is skipped (``INSERT ... ON CONFLICT DO
    NOTHING``), so repeating a cause changes nothing, even from two connections at once. Totals
    are updated in member-id order, so two transactions touching the same two members cannot
    deadlock. Returns the points actually added per member. Call it inside the transaction of
    the write that caused the events.
    """
    changes = list(changes)
    if not changes:
        return {}
    now = timezone.now()
    params: list = []
    for change in changes:
        params += [
            change.member_id,
            change.kind,
            change.value,
            change.key,
            change.question_id,
            change.answer_id,
            now,
        ]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(changes))
    sql = _INSERT.format(table=connection.ops.quote_name(ReputationEvent._meta.db_table), rows=rows)
    added: dict[int, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for member_id, points in cursor.fetchall():
            added[member_id] += points
    for member_id in sorted(added):
        _total_add(member_id=member_id, points=added[member_id])
    return dict(added)


def _total_add(*, member_id: int, points: int) -> None:
    MemberReputation.objects.bulk_create(
        [MemberReputation(member_id=member_id)], ignore_conflicts=True
    )
    MemberReputation.objects.filter(member_id=member_id).update(total=F("total") + points)


def reversals(keys: Iterable[str]) -> list[Change]:
    """The ``reversal`` changes undoing the ledger's events of ``keys`` not undone yet.

    Keys without an event (a cause that earned nothing, such as accepting one's own answer) are
    ignored. One query.
    """
    keys = list(keys)
    events = ReputationEvent.objects.filter(key__in=keys + [k + UNDO_SUFFIX for k in keys])
    found = {event.key: event for event in events}
    return [
        Change(
            member_id=event.member_id,
            kind=Kind.REVERSAL,
            key=key + UNDO_SUFFIX,
            question_id=event.question_id,
            answer_id=event.answer_id,
            points=-event.points,
        )
        for key in keys
        if (event := found.get(key)) is not None and key + UNDO_SUFFIX not in found
    ]


class Drift(NamedTuple):
    """A member whose stored total differs from the sum of their events."""

    member_id: int
    stored: int
    computed: int


def _ledger_sums(member_ids: Iterable[int] | None = None) -> dict[int, int]:
    events = ReputationEvent.objects.all()
    if member_ids is not None:
        events = events.filter(member_id__in=list(member_ids))
    return dict(
        events.values("member_id").annotate(sum=Sum("points")).values_list("member_id", "sum")
    )


def reputation_recompute(*, fix: bool = False) -> list[Drift]:
    """Compare every stored total with the sum of the member's events; repair them if ``fix``.

    Returns the drifts found, by member id (an empty list when the ledger and the totals
    agree). Missing total rows count as 0. With ``fix``, the drifted members' rows are locked
    and their sums read again before writing, so votes committing meanwhile are neither lost
    nor counted twice. Two queries to check, a few more per drifted member to fix.
    """
    computed = _ledger_sums()
    stored = dict(MemberReputation.objects.values_list("member_id", "total"))
    drifts = [
        Drift(member_id, stored.get(member_id, 0), computed.get(member_id, 0))
        for member_id in sorted(computed.keys() | stored.keys())
        if stored.get(member_id, 0) != computed.get(member_id, 0)
    ]
    if fix and drifts:
        _repair([drift.member_id for drift in drifts])
    return drifts


@transaction.atomic
def _repair(member_ids: list[int]) -> None:
    MemberReputation.objects.bulk_create(
        [MemberReputation(member_id=member_id) for member_id in member_ids],
        ignore_conflicts=True,
    )
    list(
        MemberReputation.objects.select_for_update()
        .filter(member_id__in=member_ids)
        .order_by("member_id")
    )
    sums = _ledger_sums(member_ids)
    for member_id in member_ids:
        MemberReputation.objects.filter(member_id=member_id).update(total=sums.get(member_id, 0))


def reputation_leaders(*, since: datetime | None = None, limit: int = 10) -> QuerySet:
    """The members with the most reputation (all time), or gained since ``since``: one query.

    Rows are ``MemberReputation`` (``member`` joined, ``total``) for all time, or dicts
    ``{"member_id", "gained"}`` for a period.
    """
    if since is None:
        return (
            MemberReputation.objects.filter(total__gt=0)
            .select_related("member")
            .order_by("-total", "member_id")[:limit]
        )
    return (
        ReputationEvent.objects.filter(created_at__gte=since)
        .values("member_id")
        .annotate(gained=Sum("points"))
        .filter(gained__gt=0)
        .order_by("-gained", "member_id")[:limit]
    )


def reputation_history(*, member_id: int, limit: int = 30) -> QuerySet:
    """The member's latest reputation events, newest first, with their question and the
    member's stored total (``event.member.community_reputation``): one query.

    Every event of a vote or an acceptance names its question (answer events too).
    """
    return (
        ReputationEvent.objects.filter(member_id=member_id)
        .select_related("question", "member__community_reputation")
        .order_by("-created_at", "-pk")[:limit]
    )
