"""The customers' voice: how fast questions are answered, ideas and complaints handled, and
testimonials proofread and approved."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q

from portal.dashboard.figures import HOURS, LINE, PERCENT, Breakdown, Chart, Column, Fact, Section
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


def community(span: Span, now: datetime) -> Plan:
    from community.models import Question
    from community.report_selectors import WITHIN, Hours, Median

    settled = Q(created_at__lte=now - WITHIN)
    weekly = (
        Question.objects.filter(in_span("created_at", span), hidden_at__isnull=True)
        .annotate(week=week_of("created_at"))
        .values("week")
        .annotate(
            questions=Count("pk"),
            answered=Count("pk", filter=Q(first_answer_at__isnull=False)),
            settled=Count("pk", filter=settled),
            within_24h=Count(
                "pk", filter=settled & Q(first_answer_at__lte=F("created_at") + WITHIN)
            ),
            median_hours=Median(Hours(F("first_answer_at"), F("created_at"))),
        )
        .order_by("week")
    )
    columns = [
        Column("questions", "Questions asked"),
        Column("answered", "Answered"),
        Column("median_hours", "Median time to first answer", HOURS),
        Column("share_24h", "Answered within 24 h", PERCENT),
    ]

    def build(data: dict[str, list[dict]]) -> Section:
        counted = [*columns, Column("settled", ""), Column("within_24h", "")]
        rows = fill_weeks(span, data["community"], counted)
        for row in rows:
            row["share_24h"] = percent(row.pop("within_24h"), row.pop("settled"))
        return Section(
            key="community",
            title="Community answers",
            intro="Visible questions by the week they were asked: the median time from question "
            "to first answer, and the share answered within 24 hours (of the questions at least "
            "24 hours old). Questions not yet answered do not count in the median.",
            columns=columns,
            rows=rows,
            charts=[
                Chart("Median hours to first answer", LINE, ("median_hours",), "Hours", GAP_NOTE),
                Chart(
                    "Share answered within 24 hours",
                    LINE,
                    ("share_24h",),
                    "Percent",
                    GAP_NOTE,
                    bounds=(0, 100),
                ),
            ],
            headline=("questions", "median_hours", "share_24h"),
        )

    return {"community": weekly}, build


def _idea_figures(prefix: str = "", only: Q | None = None) -> dict:
    """The aggregates of ideas: counted from the ideas themselves (``prefix`` empty) or from
    their product area (``prefix="ideas__"``, ``only`` the ideas to count)."""
    from community.report_selectors import Hours, Median

    def where(condition: Q | None = None) -> Q | None:
        parts = [q for q in (only, condition) if q is not None]
        return Q(*parts) if parts else None

    def hours_to(name: str) -> Hours:
        return Hours(F(f"{prefix}{name}"), F(f"{prefix}created_at"))

    def has(name: str) -> Q:
        return Q(**{f"{prefix}{name}__isnull": False})

    return {
        "submitted": Count(f"{prefix}pk", filter=where()),
        "responded": Count(f"{prefix}pk", filter=where(has("first_staff_response_at"))),
        "median_response_hours": Median(hours_to("first_staff_response_at"), filter=where()),
        "resolved": Count(f"{prefix}pk", filter=where(has("resolved_at"))),
        "median_resolution_hours": Median(hours_to("resolved_at"), filter=where()),
    }


def ideas(span: Span, now: datetime) -> Plan:
    from community.models import Idea, ProductArea

    items = Idea.objects.filter(
        in_span("created_at", span), hidden_at__isnull=True, merged_into__isnull=True
    )
    weekly = items.annotate(week=week_of("created_at")).values("week").annotate(**_idea_figures())
    in_area = Q(
        in_span("ideas__created_at", span),
        ideas__hidden_at__isnull=True,
        ideas__merged_into__isnull=True,
    )
    areas = (
        ProductArea.objects.annotate(area=F("name"))
        .values("pk", "area", "position")
        .annotate(**_idea_figures("ideas__", in_area))
        .order_by("position", "area")
    )
    area_weeks = (
        items.annotate(week=week_of("created_at"), area_name=F("area__name"))
        .values("area_id", "area_name", "week")
        .annotate(**_idea_figures())
        .order_by("area_name", "week")
    )
    columns = [
        Column("submitted", "Ideas and complaints"),
        Column("responded", "With a staff response"),
        Column("median_response_hours", "Median time to first staff response", HOURS),
        Column("resolved", "Resolved"),
        Column("median_resolution_hours", "Median time to resolution", HOURS),
    ]

    def build(data: dict[str, list[dict]]) -> Section:
        by_area: dict[str, list[dict]] = {}
        for row in data["idea_area_weeks"]:
            by_area.setdefault(row["area_name"], []).append(row)
        totals = [
            (row["area"], {column.key: row.get(column.key) for column in columns})
            for row in data["idea_areas"]
        ]
        return Section(
            key="ideas",
            title="Ideas and complaints",
            intro="Ideas and complaints by the week they were submitted (merged duplicates and "
            "hidden items left out): the median time to the first staff comment or status "
            "change, and to being marked done or declined. Items still waiting do not count "
            "in the medians; compare the counts.",
            columns=columns,
            rows=fill_weeks(span, data["ideas"], columns),
            charts=[
                Chart(
                    "Median hours to first staff response and to resolution",
                    LINE,
                    ("median_response_hours", "median_resolution_hours"),
                    "Hours",
                    GAP_NOTE,
                ),
            ],
            headline=("submitted", "median_response_hours", "median_resolution_hours"),
            breakdown=Breakdown(
                caption="Per product area, over the whole period",
                group_label="Product area",
                columns=columns,
                totals=totals,
                weekly=[
                    (area, fill_weeks(span, rows, columns))
                    for area, rows in sorted(by_area.items())
                ],
            ),
        )

    return {"ideas": weekly, "idea_areas": areas, "idea_area_weeks": area_weeks}, build


def _waiting_for_staff(moment: datetime) -> Q:
    return (
        Q(submitted_at__lte=moment)
        & ended_after("edited_at", moment)
        & ended_after("published_at", moment)
        & ended_after("withdrawn_at", moment)
    )


def _waiting_for_author(moment: datetime) -> Q:
    return (
        Q(edited_at__lte=moment)
        & ended_after("approved_at", moment)
        & ended_after("published_at", moment)
        & ended_after("withdrawn_at", moment)
    )


def testimonials(span: Span, now: datetime) -> Plan:
    from community.models import Testimonial

    Status = Testimonial.Status
    counts = {}
    for number, monday in enumerate(span.mondays):
        moment = span.week_end(monday, now=now)
        counts[f"staff_{number}"] = Count("pk", filter=_waiting_for_staff(moment))
        counts[f"author_{number}"] = Count("pk", filter=_waiting_for_author(moment))
    counts["staff_now"] = Count("pk", filter=Q(status=Status.SUBMITTED))
    counts["author_now"] = Count("pk", filter=Q(status=Status.AWAITING_AUTHOR))
    columns = [
        Column("waiting_staff", "Waiting for staff"),
        Column("waiting_author", "Waiting for the author"),
    ]
    testimonials = Testimonial.objects.exclude(status=Status.DECLINED)

    def build(data: dict[str, list[dict]]) -> Section:
        found = (data["testimonials"] or [{}])[0]
        staff_now, author_now = found.get("staff_now", 0), found.get("author_now", 0)
        rows = []
        for number, monday in enumerate(span.mondays):
            in_progress = span.week_end(monday, now=now) == now
            rows.append(
                {
                    "week": monday,
                    "waiting_staff": staff_now if in_progress else found.get(f"staff_{number}", 0),
                    "waiting_author": author_now
                    if in_progress
                    else found.get(f"author_{number}", 0),
                }
            )
        return Section(
            key="testimonials",
            title="Testimonials waiting",
            intro="Testimonials written and waiting for staff to proofread them, and edited ones "
            "waiting for their author's approval, at the end of each week (this week: now). Past "
            "weeks are rebuilt from the dates written, sent for approval, approved, published and "
            "withdrawn; testimonials staff declined are left out of them.",
            columns=columns,
            rows=rows,
            charts=[
                Chart(
                    "Testimonials waiting",
                    LINE,
                    ("waiting_staff", "waiting_author"),
                    "Count",
                    ZERO_NOTE,
                )
            ],
            headline=("waiting_staff", "waiting_author"),
            facts=[
                Fact("Waiting for staff now", staff_now),
                Fact("Waiting for the author now", author_now),
            ],
        )

    return {"testimonials": one_row(testimonials, **counts)}, build


#: The dashboard's measures in the order shown: key -> plan.
