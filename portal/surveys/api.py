"""What other parts of the portal use of surveys: the staff dashboard's NPS trend, and the
course feedback survey that ``courses.feedback_services`` writes to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from portal.surveys.course_feedback import (  # noqa: F401 - the courses app's entry points
    course_feedback_record,
    course_feedback_survey_ensure,
)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def nps_series(*, start: date, end: date) -> list[dict]:
    """The Net Promoter Score of every 0-10 "would you recommend" answer (course feedback and
    surveys), one row per ISO week from ``start``'s week to ``end``'s (weeks start on Monday):
    ``{"week": date, "responses": int, "promoters": int, "detractors": int, "nps": int | None}``
    (``nps`` None for a week without answers). One query.

    Course answers count once: from ``CourseFeedback`` (by the time they were last changed),
    not again from the course feedback survey that mirrors them.
    """
    from courses.models import CourseFeedback
    from portal.models.surveys import SurveyAnswer, SurveyPage
    from portal.surveys import questions as q

    first, last = _monday(start), _monday(end)
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(first, time.min), zone)
    until = timezone.make_aware(datetime.combine(last + timedelta(days=7), time.min), zone)
    courses = (
        CourseFeedback.objects.filter(updated_at__gte=since, updated_at__lt=until)
        .annotate(week=TruncWeek("updated_at", tzinfo=zone))
        .order_by()
        .values("week")
        .annotate(
            responses=Count("pk"),
            promoters=Count("pk", filter=Q(recommend__gte=q.PROMOTER_MIN)),
            detractors=Count("pk", filter=Q(recommend__lte=q.DETRACTOR_MAX)),
        )
    )
    surveys = (
        SurveyAnswer.objects.filter(
            field_type=q.RECOMMEND, submitted_at__gte=since, submitted_at__lt=until
        )
        .exclude(page__purpose=SurveyPage.COURSE_FEEDBACK)
        .annotate(week=TruncWeek("submitted_at", tzinfo=zone))
        .order_by()
        .values("week")
        .annotate(
            responses=Count("pk"),
            promoters=Count("pk", filter=Q(points__gte=q.PROMOTER_MIN)),
            detractors=Count("pk", filter=Q(points__lte=q.DETRACTOR_MAX)),
        )
    )
    by_week: dict[date, dict[str, int]] = {}
    for row in courses.union(surveys, all=True):
        totals = by_week.setdefault(
            row["week"].date(), {"responses": 0, "promoters": 0, "detractors": 0}
        )
        for key in totals:
            totals[key] += row[key]
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
