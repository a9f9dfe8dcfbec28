"""Advocacy: the Net Promoter Score trend and sign-ups through referral links."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from portal.dashboard.figures import BARS, LINE, SCORE, Chart, Column, Section
from portal.dashboard.measures.base import GAP_NOTE, ZERO_NOTE, Plan, fill_weeks, in_span, week_of
from portal.dashboard.periods import Span


def nps(span: Span, now: datetime) -> Plan:
    from portal.surveys.api import nps_series

    columns = [
        Column("responses", "Answers"),
        Column("promoters", "Promoters (9-10)"),
        Column("detractors", "Detractors (0-6)"),
        Column("nps", "NPS", SCORE),
    ]

    def build(data: dict[str, list[dict]]) -> Section:
        series = nps_series(start=span.first, end=span.last)
        return Section(
            key="nps",
            title="Net Promoter Score",
            intro="Every 0-10 “would you recommend” answer (course feedback and surveys) by the "
            "week it was given: the share of promoters (9-10) minus the share of detractors "
            "(0-6), from -100 to 100.",
            columns=columns,
            rows=fill_weeks(span, ({**row, "week": str(row["week"])} for row in series), columns),
            charts=[Chart("NPS", LINE, ("nps",), "NPS", GAP_NOTE, bounds=(-100, 100))],
            headline=("responses", "nps"),
        )

    return {}, build


def referrals(span: Span, now: datetime) -> Plan:
    from portal.accounts.models import Referral

    weekly = (
        Referral.objects.filter(in_span("created_at", span))
        .annotate(week=week_of("created_at"))
        .values("week")
        .annotate(referrals=Count("pk"))
    )
    columns = [Column("referrals", "Sign-ups through a referral link")]

    def build(data: dict[str, list[dict]]) -> Section:
        return Section(
            key="referrals",
            title="Referrals",
            intro="Members who signed up through another member's referral link, by week.",
            columns=columns,
            rows=fill_weeks(span, data["referrals"], columns),
            charts=[Chart("Referred sign-ups", BARS, ("referrals",), "Count", ZERO_NOTE)],
            headline=("referrals",),
        )

    return {"referrals": weekly}, build
