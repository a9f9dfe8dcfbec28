"""Community › Answer times in the Wagtail admin: time to first answer and to an accepted
answer, and the share answered within 24 h, for all questions, per tag and per answerer, over
the last 30 or 90 days or all time; downloadable as CSV.

Moderators only (``community.permissions.is_moderator``), like the moderation screens; other
staff get the 403 page naming the permission, members the admin's login.
"""

from __future__ import annotations

import csv
from datetime import timedelta

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone

from wagtail import hooks

from community.report_selectors import TimeRow, answer_time_report
from community.staff.moderation import ModeratorMenuItem, ModeratorView
from portal.spreadsheets import csv_cell

#: The report's periods: key -> (label, days back or None for all time).
REPORT_PERIODS: dict[str, tuple[str, int | None]] = {
    "30": ("Last 30 days", 30),
    "90": ("Last 90 days", 90),
    "all": ("All time", None),
}
DEFAULT_REPORT_PERIOD = "30"
CSV_HEADER = [
    "Group",
    "Name",
    "Questions or answers",
    "Answered",
    "Within 24 h",
    "Share within 24 h",
    "Median hours to answer",
    "Mean hours to answer",
    "Accepted",
    "Median hours to acceptance",
]


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv_row(group: str, row: TimeRow) -> list:
    share = row.share_within_24h
    return [
        csv_cell(cell)
        for cell in (
            group,
            row.label,
            row.count,
            row.answered,
            row.within_24h,
            "" if share is None else f"{share:.3f}",
            _hours(row.median_hours),
            _hours(row.mean_hours),
            row.accepted,
            _hours(row.median_accept_hours),
        )
    ]


class AnswerTimesView(ModeratorView):
    """The report (``?period=30|90|all``; ``&format=csv`` downloads it)."""

    page_title = "Answer times"
    header_icon = "time"
    template_name = "community/admin/answer_times.html"

    def period(self) -> str:
        value = self.request.GET.get("period", "")
        return value if value in REPORT_PERIODS else DEFAULT_REPORT_PERIOD

    def report(self):
        days = REPORT_PERIODS[self.period()][1]
        since = None if days is None else timezone.now() - timedelta(days=days)
        return answer_time_report(since=since)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv()
        return super().get(request, *args, **kwargs)

    def csv(self) -> HttpResponse:
        report = self.report()
        period = self.period()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"community-answer-times-{period}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        writer.writerow(_csv_row("All", report.total))
        for row in report.tags:
            writer.writerow(_csv_row("Tag", row))
        for row in report.answerers:
            writer.writerow(_csv_row("Answerer", row))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        context.update(
            report=self.report(),
            period=period,
            periods=[(key, label) for key, (label, _) in REPORT_PERIODS.items()],
            period_label=REPORT_PERIODS[period][0],
        )
        return context


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "community/answer-times/",
            AnswerTimesView.as_view(),
            name="community_answer_times",
        )
    ]


@hooks.register("register_community_menu_item")
def register_answer_times_menu_item():
    return ModeratorMenuItem(
        "Answer times",
        reverse("community_answer_times"),
        icon_name="time",
        name="answer-times",
        order=200,
    )
