"""Reports on the community: how fast questions get answered (the staff report, per tag and per
answerer) and who gained the most reputation (the public leaderboard, the home page's aside).

Times are hours between two timestamps, medians are PostgreSQL's ``percentile_cont(0.5)``; every
figure is computed by the database in a few aggregate queries whose number does not depend on
the number of questions, answers or members. Hidden questions and answers are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from certification import api as certification_api
from community.models import Question
from portal.accounts.api import PublicProfile, public_profile

#: The leaderboard's periods: key -> (tab label, days back or None for all time).
PERIODS: dict[str, tuple[str, int | None]] = {
    "week": ("Last 7 days", 7),
    "month": ("Last 30 days", 30),
    "all": ("All time", None),
}
DEFAULT_PERIOD = "week"
LEADERBOARD_SIZE = 20
TOP_ANSWERERS_SIZE = 5
#: How long the home page's top members are kept in the cache.
TOP_ANSWERERS_SECONDS = 300
#: At most this many answerers in the staff report (the most active first).
REPORT_ANSWERERS = 100
WITHIN = timedelta(hours=24)


class Hours(Func):
    """Hours from the second expression to the first (``end - start``), as a float."""

    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    output_field = FloatField()


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)``; NULLs are ignored."""

    function = "percentile_cont"
    name = "Median"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


@dataclass(frozen=True)
class TimeRow:
    """One line of the answer-time report: a tag, an answerer or all questions.

    For a tag (or all questions) ``count`` is the questions and ``answered`` those with an
    answer; for an answerer ``count`` is their answers and ``answered`` the questions they
    answered. Hours are None when there is nothing to measure.
    """

    label: str
    count: int
    answered: int
    within_24h: int
    median_hours: float | None
    mean_hours: float | None
    median_accept_hours: float | None
    accepted: int
    slug: str = ""
    member_id: int | None = None

    @property
    def share_within_24h(self) -> float | None:
        """Of the questions (a tag) or the answers (an answerer), the share within 24 h."""
        return self.within_24h / self.count if self.count else None


@dataclass(frozen=True)
class AnswerTimeReport:
    since: datetime | None
    total: TimeRow
    tags: list[TimeRow]
    answerers: list[TimeRow]


def _question_figures() -> dict:
    first = Hours(F("first_answer_at"), F("created_at"))
    return {
        "count": Count("pk", distinct=True),
        "answered": Count("pk", filter=Q(first_answer_at__isnull=False), distinct=True),
        "within_24h": Count(
            "pk", filter=Q(first_answer_at__lte=F("created_at") + WITHIN), distinct=True
        ),
        "median_hours": Median(first),
        "mean_hours": Avg(first),
        "median_accept_hours": Median(Hours(F("accepted_at"), F("created_at"))),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False), distinct=True),
    }


FIGURES = (
    "count",
    "answered",
    "within_24h",
    "median_hours",
    "mean_hours",
    "median_accept_hours",
    "accepted",
)


def _row(values: dict, **extra) -> TimeRow:
    return TimeRow(
        count=values["count"] or 0,
        answered=values["answered"] or 0,
        within_24h=values["within_24h"] or 0,
        median_hours=values["median_hours"],
        mean_hours=values["mean_hours"],
        median_accept_hours=values["median_accept_hours"],
        accepted=values["accepted"] or 0,
        **extra,
    )


def answer_time_report(*, since: datetime | None = None) -> AnswerTimeReport:
    """Time to first answer and to an accepted answer, and the share answered within 24 h, for
    all visible questions asked since ``since`` (all time if None), per tag and per answerer.

    Per answerer, times run from the question to the answerer's own answer, and to acceptance
    of their answer. Three queries, whatever the numbers of questions and members.
    """
    questions = Question.objects.filter(hidden_at__isnull=True)
    if since is not None:
        questions = questions.filter(created_at__gte=since)
    figures = _question_figures()
    total = _row(questions.aggregate(**figures), label="All questions")
    tags = [
        _row(values, label=values["tags__name"], slug=values["tags__slug"])
        for values in questions.values("tags__id", "tags__name", "tags__slug")
        .annotate(**figures)
        .order_by("-count", "tags__name")
        if values["tags__id"] is not None
    ]

    answerers = [
        _row(
            {name: getattr(member, name) for name in FIGURES},
            label=public_profile(member).name,
            member_id=member.pk,
        )
        for member in _answerers(questions)
    ]
    return AnswerTimeReport(since=since, total=total, tags=tags, answerers=answerers)


def _answerers(questions: QuerySet) -> QuerySet:
    """The members who answered ``questions`` (visible answers), each with the figures of
    ``TimeRow`` as attributes: one query."""
    to_answer = Hours(F("answers__created_at"), F("answers__question__created_at"))
    accepted = Q(answers__accepted_for__isnull=False)
    within = Q(answers__created_at__lte=F("answers__question__created_at") + WITHIN)
    return (
        get_user_model()
        .objects.filter(answers__hidden_at__isnull=True, answers__question__in=questions)
        .annotate(
            count=Count("answers"),
            answered=Count("answers__question", distinct=True),
            within_24h=Count("answers", filter=within),
            median_hours=Median(to_answer),
            mean_hours=Avg(to_answer),
            median_accept_hours=Median(
                Hours(F("answers__question__accepted_at"), F("answers__question__created_at")),
                filter=accepted,
            ),
            accepted=Count("answers", filter=accepted),
        )
        .order_by("-count", "pk")[:REPORT_ANSWERERS]
    )


# The leaderboard


@dataclass(frozen=True)
class Leader:
    rank: int
    member_id: int
    profile: PublicProfile
    points: int
    credentials: list


def period_normalise(value: str | None) -> str:
    return value if value in PERIODS else DEFAULT_PERIOD


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """The start of ``period`` (a rolling 7 or 30 days), None for all time."""
    days = PERIODS[period_normalise(period)][1]
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def _leading_members(*, since: datetime | None, limit: int) -> QuerySet:
    members = get_user_model().objects.filter(is_active=True)
    if since is None:
        members = members.filter(community_reputation__total__gt=0).annotate(
            points=F("community_reputation__total")
        )
    else:
        members = members.annotate(
            points=Sum(
                "reputation_events__points",
                filter=Q(reputation_events__created_at__gte=since),
            )
        ).filter(points__gt=0)
    return members.order_by("-points", "pk")[:limit]


def _leaders(*, since: datetime | None, limit: int) -> list[Leader]:
    members = list(_leading_members(since=since, limit=limit))
    credentials = certification_api.member_badges_summary(member_ids=[m.pk for m in members])
    return [
        Leader(
            rank=number,
            member_id=member.pk,
            profile=public_profile(member),
            points=member.points,
            credentials=credentials.get(member.pk, []),
        )
        for number, member in enumerate(members, start=1)
    ]


def leaderboard(*, period: str) -> list[Leader]:
    """The 20 members who gained the most reputation in ``period`` ("week", "month": the last
    7 or 30 days; "all": their totals), with public profiles and credentials. Two queries."""
    period = period_normalise(period)
    return _leaders(since=period_start(period), limit=LEADERBOARD_SIZE)


def top_answerers(limit: int = TOP_ANSWERERS_SIZE) -> list[Leader]:
    """The members who gained the most reputation in the last 30 days (the home page's aside).

    Kept in the (per-portal) cache for ``TOP_ANSWERERS_SECONDS``, so the busiest page pays its
    two queries once every few minutes, not on every view.
    """
    key = f"community:top_answerers:{limit}"  # the cache's key function adds the schema
    found = cache.get(key)
    if found is None:
        found = _leaders(since=period_start("month"), limit=limit)
        cache.set(key, found, TOP_ANSWERERS_SECONDS)
    return found
