"""Course reports in the Wagtail admin (Reports › Course reports), with CSV downloads.

The index has one row per course: enrolments, completions, completion rate, average progress,
survey answers, average ratings and NPS. A course's page shows the drop-off per lesson, how the
answers spread over each score and the latest comments. Staff with the "Can see course reports"
permission (given to a group under Settings › Groups) and superusers see them; the figures come
from ``courses.reports``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.auth import user_passes_test
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.reports import (
    CourseDetail,
    CourseReport,
    course_detail,
    course_report,
    course_reports,
    latest_comments,
    responses_for_export,
)
from portal.spreadsheets import csv_cell

PERMISSION = "courses.view_course_reports"
REPORT_TITLE = "Course reports"
COMMENTS_PER_PAGE = 20


def can_see_course_reports(user) -> bool:
    """Superusers and staff given "Can see course reports"; the menu and the views ask this."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def access_course_report(*, course_id: int) -> CourseReport:
    """The course's figures, or ``Http404`` when the portal has no such course."""
    report = course_report(course_id=course_id)
    if report is None:
        raise Http404
    return report


def access_course_detail(*, course_id: int) -> CourseDetail:
    """The course's figures, drop-off and answers, or ``Http404`` for an unknown course."""
    detail = course_detail(course_id=course_id)
    if detail is None:
        raise Http404
    return detail


class CountedPaginator(Paginator):
    """A paginator told its count (counted in the report's own query), saving a query."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


# --- Pages ---------------------------------------------------------------------------------


class _ReportPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("courses_reports:index"), "label": REPORT_TITLE}
        return [*self.breadcrumbs_items, index]


class CourseReportsView(_ReportPage):
    """Every course with its figures, by title."""

    page_title = REPORT_TITLE
    template_name = "courses/staff/reports/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=course_reports(), **kwargs)


class CourseReportView(_ReportPage):
    """One course: drop-off per lesson, the spread of the answers and the latest comments."""

    template_name = "courses/staff/reports/course.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.detail = access_course_detail(course_id=kwargs["course_id"])

    def get_page_title(self):
        return self.detail.report.title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        report = self.detail.report
        comments = CountedPaginator(
            latest_comments(course_id=report.course_id),
            COMMENTS_PER_PAGE,
            count=self.detail.comments,
        )
        return super().get_context_data(
            report=report,
            lessons=self.detail.lessons,
            distributions=self.detail.distributions,
            comments=comments.get_page(self.request.GET.get("page")),
            **kwargs,
        )


# --- CSV -----------------------------------------------------------------------------------


def _csv(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return response


def _dated(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y-%m-%d}.csv"


def reports_csv(request: HttpRequest) -> HttpResponse:
    """The index as CSV, one row per course."""
    header = [
        "Course", "Published", "Lessons", "Enrolments", "Completions", "Completion rate (%)",
        "Average progress (%)", "Responses", "Content (1-5)", "Instructor (1-5)", "Pace (1-5)",
        "NPS",
    ]  # fmt: skip
    rows = (
        [
            r.title, "yes" if r.live else "no", r.lessons, r.enrollments, r.completions,
            r.completion_rate, r.average_progress, r.responses, r.content, r.instructor, r.pace,
            r.nps,
        ]
        for r in course_reports()
    )  # fmt: skip
    return _csv(_dated("course-reports"), header, rows)


def lessons_csv(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course's drop-off per lesson as CSV, in the course's order."""
    detail = access_course_detail(course_id=course_id)
    header = ["Position", "Lesson", "Started", "Started (%)", "Completed", "Completed (%)"]
    rows = (
        [n, d.title, d.started, d.started_percent, d.completed, d.completed_percent]
        for n, d in enumerate(detail.lessons, start=1)
    )
    return _csv(_dated(f"{slugify(detail.report.title) or 'course'}-lessons"), header, rows)


def responses_csv(request: HttpRequest, course_id: int) -> HttpResponse:
    """Every survey answer about a course as CSV, oldest first, without the member's name."""
    report = access_course_report(course_id=course_id)
    header = [
        "Answered", "Updated", "Content (1-5)", "Instructor (1-5)", "Pace (1-5)",
        "Likely to recommend (0-10)", "Comment",
    ]  # fmt: skip
    rows = (
        [
            f"{row['created_at']:%Y-%m-%d %H:%M}", f"{row['updated_at']:%Y-%m-%d %H:%M}",
            row["content_rating"], row["instructor_rating"], row["pace_rating"],
            row["recommend"], row["comment"],
        ]
        for row in responses_for_export(course_id=report.course_id)
    )  # fmt: skip
    return _csv(_dated(f"{slugify(report.title) or 'course'}-responses"), header, rows)


# --- Hooks ---------------------------------------------------------------------------------


class CourseReportsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_see_course_reports(request.user)


def _guarded(view):
    """Others are sent back to the admin's dashboard with Wagtail's "no permission" message."""
    return user_passes_test(can_see_course_reports)(view)


@hooks.register("register_admin_urls")
def register_course_reports_urls():
    urls = [
        path("", _guarded(CourseReportsView.as_view()), name="index"),
        path("courses.csv", _guarded(reports_csv), name="index_csv"),
        path("<int:course_id>/", _guarded(CourseReportView.as_view()), name="course"),
        path("<int:course_id>/lessons.csv", _guarded(lessons_csv), name="lessons_csv"),
        path("<int:course_id>/responses.csv", _guarded(responses_csv), name="responses_csv"),
    ]
    return [path("reports/courses/", include((urls, "courses_reports")))]


@hooks.register("register_reports_menu_item")
def register_course_reports_menu_item():
    return CourseReportsMenuItem(
        REPORT_TITLE,
        reverse("courses_reports:index"),
        name="course-reports",
        icon_name="doc-full",
        order=760,
    )


@hooks.register("register_permissions")
def register_course_reports_permission():
    """Lets staff give "Can see course reports" to a group (Settings › Groups)."""
    return Permission.objects.filter(
        content_type__app_label="courses", codename="view_course_reports"
    )
