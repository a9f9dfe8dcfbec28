"""The staff dashboard's screens in the Wagtail admin (registered by importing this module from
``portal.wagtail_hooks``): "Service dashboard" in the menu, at /admin/service-dashboard/.

``?weeks=8|12|26`` picks the period; each section downloads as CSV at
``/admin/service-dashboard/<section>.csv?weeks=``. Superusers and staff with "Can see course
reports" see it (``portal.dashboard.access``); other staff get a 403 page naming the
permission, visitors and members the admin's login.
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.dashboard.access import can_see_dashboard
from portal.dashboard.charts import draw
from portal.dashboard.periods import (
    DEFAULT_WEEKS,
    PERIOD_WEEKS,
    dashboard_span,
    normalise_weeks,
)
from portal.dashboard.selectors import MEASURES, dashboard
from portal.dashboard.services import SUMMARY_ACTION, SUMMARY_ACTION_LABEL
from portal.spreadsheets import csv_cell

TITLE = "Service dashboard"
BAD_PERIOD = "There is no such period; showing the last 8 weeks. Choose 8, 12 or 26 weeks."


class _Titled(WagtailAdminTemplateMixin, TemplateView):
    """An admin page headed "Service dashboard" (title and breadcrumb)."""

    page_title = TITLE
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class _Guarded(_Titled):
    def dispatch(self, request, *args, **kwargs):
        if not can_see_dashboard(request.user):
            return ForbiddenView.as_view()(request)
        return super().dispatch(request, *args, **kwargs)


class ForbiddenView(_Titled):
    """A 403 page inside the admin, naming the permission the member lacks."""

    template_name = "dashboard/forbidden.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get


class DashboardView(_Guarded):
    """Every measure over the period, each with its charts, data table and CSV link."""

    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = self.request.GET.get("weeks")
        weeks = normalise_weeks(asked) if asked is not None else DEFAULT_WEEKS
        span = dashboard_span(weeks=weeks or DEFAULT_WEEKS)
        sections = dashboard(span=span)
        context.update(
            weeks=span.weeks,
            period_choices=PERIOD_WEEKS,
            period_error=BAD_PERIOD if weeks is None else "",
            period_label=span.label(),
            zone=timezone.get_current_timezone_name(),
            sections=[
                {
                    "section": section,
                    "drawings": [
                        draw(section, chart, number)
                        for number, chart in enumerate(section.charts, start=1)
                    ],
                    "table": section.table(),
                    "csv_url": reverse("service_dashboard:csv", args=[section.key])
                    + f"?weeks={span.weeks}",
                }
                for section in sections
            ],
        )
        return context


def section_csv(request, key: str) -> HttpResponse:
    """One section's weekly figures (and breakdown) as CSV for ``?weeks=`` (8 by default)."""
    if not can_see_dashboard(request.user):
        return ForbiddenView.as_view()(request)
    if key not in MEASURES:
        raise Http404
    asked = request.GET.get("weeks")
    weeks = normalise_weeks(asked) if asked is not None else DEFAULT_WEEKS
    if weeks is None:
        return HttpResponseBadRequest(
            "There is no such period: choose 8, 12 or 26 weeks.", content_type="text/plain"
        )
    span = dashboard_span(weeks=weeks)
    (section,) = dashboard(span=span, keys=[key])
    header, rows = section.csv_table()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"service-{key}-{weeks}-weeks-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return response


class DashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_see_dashboard(request.user)


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    urls = [
        path("", DashboardView.as_view(), name="index"),
        path("<slug:key>.csv", section_csv, name="csv"),
    ]
    return [path("service-dashboard/", include((urls, "service_dashboard")))]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        TITLE,
        reverse("service_dashboard:index"),
        name="service-dashboard",
        icon_name="tasks",
        order=150,
    )


@hooks.register("register_log_actions")
def register_summary_log_action(actions):
    """The weekly summary's record (one entry per recipient and week, in Reports › Site
    history), which is also what keeps a second run in the same week from sending again."""
    actions.register_action(SUMMARY_ACTION, SUMMARY_ACTION_LABEL, SUMMARY_ACTION_LABEL)
