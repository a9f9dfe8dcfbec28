"""Survey results in the Wagtail admin (Reports › Survey results), with a CSV of every response.

Staff see the surveys they may edit (Wagtail's rule for form submissions: page permissions, so
superusers see all); any other survey is a 404, and members never reach the admin. The index
lists the surveys with their response counts; a survey's screen shows per question the response
count, the average, the spread of answers (a table with bars), the NPS of 0-10 questions, the
yes share and the latest comments. Figures come from ``portal.surveys.selectors``.

Surveys are the portal's only form pages, so this screen replaces Wagtail's own Forms section:
the hook ``filter_form_submissions_for_user`` hides it (its listing and its CSV, which would not
quote formula-like cells), which also spares Wagtail's Forms menu item its query on every admin
page.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models.surveys import SurveyPage
from portal.spreadsheets import csv_cell
from portal.surveys.selectors import (
    responses_for_export,
    survey_for_staff,
    survey_results,
    surveys_for_staff,
)

INDEX_TITLE = "Survey results"
MULTI_VALUE_SEPARATOR = "; "


def access_survey_results(*, user, page_id: int) -> SurveyPage:
    """The survey whose results ``user`` may see, or ``Http404`` (unknown, another portal's or
    not theirs to see: the same answer, so a survey's existence is not revealed)."""
    page = survey_for_staff(user=user, page_id=page_id)
    if page is None:
        raise Http404
    return page


class _SurveyReport(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "form"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("survey_results:index"), "label": INDEX_TITLE}
        return [*self.breadcrumbs_items, index]


class SurveyIndexView(_SurveyReport):
    """Every survey the member of staff may see, by title, with its responses."""

    page_title = INDEX_TITLE
    template_name = "surveys/admin/index.html"

    def get_context_data(self, **kwargs):
        surveys = surveys_for_staff(user=self.request.user).only(
            "id", "title", "live", "purpose", "allow_multiple"
        )
        return super().get_context_data(surveys=surveys, **kwargs)


class SurveyResultsView(_SurveyReport):
    """One survey's results, question by question."""

    template_name = "surveys/admin/results.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.survey = None

    def dispatch(self, request, *args, **kwargs):
        self.survey = access_survey_results(user=request.user, page_id=kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.survey.title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(results=survey_results(page=self.survey), **kwargs)


class _Echo:
    """A file-like object whose write returns the line, for streaming ``csv.writer`` output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(page: SurveyPage) -> Iterator[str]:
    fields = page.get_form_fields()
    writer = csv.writer(_Echo())
    extra = ["Course"] if page.is_course_feedback else []
    yield writer.writerow(["Submitted", "Updated", *extra, *(f.label for f in fields)])
    for submitted, updated, course, data in responses_for_export(page=page):
        answers = []
        for survey_field in fields:
            value = (data or {}).get(survey_field.clean_name)
            if isinstance(value, list):
                value = MULTI_VALUE_SEPARATOR.join(str(item) for item in value)
            answers.append(value)
        row = [
            f"{timezone.localtime(submitted):%Y-%m-%d %H:%M}",
            f"{timezone.localtime(updated):%Y-%m-%d %H:%M}",
            *([course] if extra else []),
            *answers,
        ]
        yield writer.writerow([csv_cell(cell) for cell in row])


def results_csv(request: HttpRequest, page_id: int) -> StreamingHttpResponse:
    """Every response as CSV, oldest first, one column per question (no member names);
    multiple choices are joined with "; ". Streamed, so a large survey does not fill memory."""
    page = access_survey_results(user=request.user, page_id=page_id)
    response = StreamingHttpResponse(_csv_lines(page), content_type="text/csv; charset=utf-8")
    name = f"{slugify(page.title) or 'survey'}-responses-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@hooks.register("filter_form_submissions_for_user")
def hide_wagtail_forms_section(user, editable_forms):
    """No form pages for Wagtail's Forms section: the survey results replace it (an empty
    queryset asks the database nothing, so its menu item costs no query either)."""
    return editable_forms.none()


class SurveyResultsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        user = request.user
        return bool(user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


@hooks.register("register_admin_urls")
def register_survey_results_urls():
    urls = [
        path("", SurveyIndexView.as_view(), name="index"),
        path("<int:page_id>/", SurveyResultsView.as_view(), name="survey"),
        path("<int:page_id>/responses.csv", results_csv, name="responses_csv"),
    ]
    return [path("reports/surveys/", include((urls, "survey_results")))]


@hooks.register("register_reports_menu_item")
def register_survey_results_menu_item():
    return SurveyResultsMenuItem(
        INDEX_TITLE,
        reverse("survey_results:index"),
        name="survey-results",
        icon_name="form",
        order=770,
    )
