"""The public leaderboard: the members who gained the most reputation in the last 7 days, the
last 30 days or all time (``?period=week|month|all``). The staff report on answer times is in
the Wagtail admin (``community.staff.report``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from community.report_selectors import PERIODS, period_normalise
from community.report_selectors import leaderboard as leaders


@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    """/community/leaderboard/: the top 20 of the period; unknown periods show the week."""
    period = period_normalise(request.GET.get("period"))
    base = reverse("community:leaderboard")
    context = {
        "leaders": leaders(period=period),
        "period": period,
        "period_label": PERIODS[period][0],
        "tabs": [
            {"key": key, "label": label, "url": f"{base}?period={key}", "current": key == period}
            for key, (label, _) in PERIODS.items()
        ],
        "community_section": "leaderboard",
    }
    return render(request, "community/leaderboard.html", context)
