"""Surveys for tests; call inside a portal's schema (``with tenant.activate():``)."""

from __future__ import annotations

import itertools

from django.utils.text import slugify

from portal.models import HomePage
from portal.models.surveys import SurveyField, SurveyPage
from portal.surveys import questions as q

_numbers = itertools.count(1)

#: A survey with every question type and one skip rule: "No" to "Did it work?" skips to the end.
EVERY_TYPE = [
    {"label": "How was the service?", "field_type": q.SCALE},
    {
        "label": "Was the answer right?",
        "field_type": q.YES_NO,
        "skip_when": "Yes",
        "skip_to": "Which product?",
    },
    {"label": "What was missing?", "field_type": q.CHOICES, "choices": "Docs\nSpeed\nExamples"},
    {"label": "What should we change?", "field_type": q.COMMENT, "required": False},
    {"label": "Which product?", "field_type": q.CHOICE, "choices": "Cloud, Edge, Data"},
    {"label": "How likely are you to recommend us?", "field_type": q.RECOMMEND},
    {"label": "Your role", "field_type": q.SHORT_TEXT, "required": False},
]  # fmt: skip


def make_survey(
    *, title: str = "", questions: list[dict] | None = None, live: bool = True, **fields
) -> SurveyPage:
    """A published survey under the home page with ``questions`` (dicts of SurveyField fields;
    default ``EVERY_TYPE``)."""
    title = title or f"Survey {next(_numbers)}"
    page = SurveyPage(title=title, slug=slugify(title), live=live, **fields)
    for order, spec in enumerate(questions if questions is not None else EVERY_TYPE):
        page.form_fields.add(SurveyField(sort_order=order, **spec))
    HomePage.objects.get().add_child(instance=page)
    if live:
        page.save_revision().publish()
    page = SurveyPage.objects.get(pk=page.pk)
    # Resolved in the portal's schema now, and kept on the page, so tests may use them outside.
    page.get_url_parts()
    page.get_form_fields()
    return page


def names(page: SurveyPage) -> dict[str, str]:
    """The survey's questions: label -> clean name (the form's field names)."""
    return {field.label: field.clean_name for field in page.get_form_fields()}
