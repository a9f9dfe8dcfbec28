"""What other parts of the portal read of surveys (the staff dashboard's NPS trend)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def nps_series(*, start: date, end: date) -> list[dict]:
    """The Net Promoter Score of every 0-10 "would you recommend" answer (course feedback and
    surveys), one row per ISO week from ``start``'s week to ``end``'s (weeks start on Monday):
    ``{"week": date, "responses": int, "promoters": int, "detractors": int, "nps": int | None}``
    (``nps`` None for a week without answers). One query.
    """
    from courses.models import CourseFeedback
    from courses.models.feedback import DETRACTOR_MAX, PROMOTER_MIN

    first, last = _monday(start), _monday(end)
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(first, time.min), zone)
    until = timezone.make_aware(datetime.combine(last + timedelta(days=7), time.min), zone)
    rows = (
        CourseFeedback.objects.filter(updated_at__gte=since, updated_at__lt=until)
        .annotate(week=TruncWeek("updated_at", tzinfo=zone))
        .values("week")
        .annotate(
            responses=Count("pk"),
            promoters=Count("pk", filter=Q(recommend__gte=PROMOTER_MIN)),
            detractors=Count("pk", filter=Q(recommend__lte=DETRACTOR_MAX)),
        )
    )
    by_week = {row["week"].date(): row for row in rows}
    series = []
    week = first
    while week <= last:
        row = by_week.get(week, {"responses": 0, "promoters": 0, "detractors": 0})
        responses = row["responses"]
        series.append(
            {
                "week": week,
                "responses": responses,
                "promoters": row["promoters"],
                "detractors": row["detractors"],
                "nps": round(100 * (row["promoters"] - row["detractors"]) / responses)
                if responses
                else None,
            }
        )
        week += timedelta(days=7)
    return series
