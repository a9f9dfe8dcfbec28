"""Learning and credentials: enrolments and completions, exam pass rates, certifications valid
at each week's end and expiring soon."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q

from portal.dashboard.figures import BARS, LINE, PERCENT, Chart, Column, Fact, Section
from portal.dashboard.measures.base import (
    GAP_NOTE,
    ZERO_NOTE,
    Plan,
    ended_after,
    fill_weeks,
    in_span,
    one_row,
    percent,
    week_of,
)
from portal.dashboard.periods import Span

EXPIRING_DAYS = (30, 60)


def learning(span: Span, now: datetime) -> Plan:
    from courses.models import Enrollment

    enrolled = (
        Enrollment.objects.filter(in_span("enrolled_at", span))
        .annotate(week=week_of("enrolled_at"))
        .values("week")
        .annotate(enrolments=Count("pk"))
    )
    completed = (
        Enrollment.objects.filter(in_span("completed_at", span))
        .annotate(week=week_of("completed_at"))
        .values("week")
        .annotate(completions=Count("pk"))
    )
    columns = [Column("enrolments", "Enrolments"), Column("completions", "Completions")]

    def build(data: dict[str, list[dict]]) -> Section:
        rows = fill_weeks(span, data["enrolments"], columns[:1])
        for row, done in zip(rows, fill_weeks(span, data["completions"], columns[1:]), strict=True):
            row["completions"] = done["completions"]
        return Section(
            key="learning",
            title="Enrolments and completions",
            intro="Course enrolments by the week members enrolled, and completions by the week "
            "they finished the last lesson.",
            columns=columns,
            rows=rows,
            charts=[
                Chart(
                    "Enrolments and completions",
                    BARS,
                    ("enrolments", "completions"),
                    "Count",
                    ZERO_NOTE,
                )
            ],
            headline=("enrolments", "completions"),
        )

    return {"enrolments": enrolled, "completions": completed}, build


def exams(span: Span, now: datetime) -> Plan:
    from certification.models import Attempt

    weekly = (
        Attempt.objects.filter(in_span("submitted_at", span), status=Attempt.Status.SUBMITTED)
        .annotate(week=week_of("submitted_at"))
        .values("week")
        .annotate(attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    )
    columns = [
        Column("attempts", "Exam attempts"),
        Column("passed", "Passed"),
        Column("pass_rate", "Pass rate", PERCENT),
    ]

    def build(data: dict[str, list[dict]]) -> Section:
        rows = fill_weeks(span, data["exams"], columns[:2])
        for row in rows:
            row["pass_rate"] = percent(row["passed"], row["attempts"])
        return Section(
            key="exams",
            title="Exam pass rates",
            intro="Submitted exam attempts (all exams) by the week they were submitted, and the "
            "share that passed.",
            columns=columns,
            rows=rows,
            charts=[Chart("Pass rate", LINE, ("pass_rate",), "Percent", GAP_NOTE, bounds=(0, 100))],
            headline=("attempts", "pass_rate"),
        )

    return {"exams": weekly}, build


def _valid_award_at(moment: datetime) -> Q:
    """Issued by ``moment`` and not yet expired, revoked or replaced by a renewal then."""
    return (
        Q(issued_at__lte=moment)
        & ended_after("expires_at", moment)
        & ended_after("revoked_at", moment)
        & ended_after("superseded_at", moment)
    )


def certifications(span: Span, now: datetime) -> Plan:
    from certification.models import Award

    counts = {
        f"week_{number}": Count("pk", filter=_valid_award_at(span.week_end(monday, now=now)))
        for number, monday in enumerate(span.mondays)
    }
    valid_now = _valid_award_at(now)
    counts["valid_now"] = Count("pk", filter=valid_now)
    for days in EXPIRING_DAYS:
        counts[f"expiring_{days}"] = Count(
            "pk", filter=valid_now & Q(expires_at__lte=now + timedelta(days=days))
        )
    columns = [Column("valid", "Valid certifications at the week’s end")]

    def build(data: dict[str, list[dict]]) -> Section:
        found = (data["certifications"] or [{}])[0]
        rows = [
            {"week": monday, "valid": found.get(f"week_{number}", 0)}
            for number, monday in enumerate(span.mondays)
        ]
        facts = [Fact("Valid now", found.get("valid_now", 0))] + [
            Fact(f"Expiring within {days} days", found.get(f"expiring_{days}", 0))
            for days in EXPIRING_DAYS
        ]
        return Section(
            key="certifications",
            title="Active and expiring certifications",
            intro="Certification awards valid at the end of each week (this week: now): issued, "
            "and not yet expired, revoked or replaced by their renewal. Below, those valid now "
            "that expire within 30 and 60 days unless renewed.",
            columns=columns,
            rows=rows,
            charts=[Chart("Valid certifications", LINE, ("valid",), "Count", ZERO_NOTE)],
            headline=("valid",),
            facts=facts,
        )

    return {"certifications": one_row(Award.objects.all(), **counts)}, build
