"""Forms of ideas and complaints: submitting and editing, comments, and the staff's status,
merge and hide controls.

They check shape only (lengths, known choices, the honeypot); ``community.idea_services``
checks everything again and decides who may act, so a form and a direct call never disagree.
"""

from __future__ import annotations

import re

from django import forms

from community.forms import HoneypotMixin
from community.idea_services import (
    BODY_LENGTH,
    BODY_MAX,
    BODY_MIN,
    COMMENT_LENGTH,
    COMMENT_MAX,
    COMMENT_MIN,
    EXPLANATION_LENGTH,
    EXPLANATION_MAX,
    SETTABLE_STATUSES,
    STATUS_UNKNOWN,
    TITLE_LENGTH,
    TITLE_MAX,
    TITLE_MIN,
)
from community.models import Idea, IdeaStatus, ProductArea

MARKDOWN_HELP = (
    "Markdown: **bold**, *italic*, `code`, lists, > quotes and [links](https://example.com). "
    "Images and HTML are not shown."
)
KIND_NEEDED = "Choose whether this is an idea or a complaint."
AREA_NEEDED = "Choose the product area it is about."
TARGET_NEEDED = "Give the number or the address of the item to merge this one into."
TARGET_MISSING = "There is no item “{reference}”: give the number (e.g. 42) or the address of it."

_NUMBER = re.compile(r"^\s*#?\s*(\d{1,12})\s*$")
_ADDRESS = re.compile(r"/community/ideas/(\d{1,12})(?:/|$|\?|#)")


def _length_messages(message: str) -> dict[str, str]:
    return {"min_length": message, "max_length": message, "required": message}


class IdeaForm(HoneypotMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[
            (Idea.Kind.IDEA, "An idea: something you wish the product did"),
            (Idea.Kind.COMPLAINT, "A complaint: something that went wrong or annoys you"),
        ],
        initial=Idea.Kind.IDEA,
        widget=forms.RadioSelect,
        error_messages={"required": KIND_NEEDED, "invalid_choice": KIND_NEEDED},
    )
    title = forms.CharField(
        label="Title",
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text="One sentence others will recognise, e.g. “Export invoices as CSV”.",
        error_messages=_length_messages(TITLE_LENGTH),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-similar": "title"}),
    )
    body = forms.CharField(
        label="Details",
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        strip=True,
        help_text=f"What happened or what you need, and why it matters to you. {MARKDOWN_HELP}",
        error_messages=_length_messages(BODY_LENGTH),
        widget=forms.Textarea(attrs={"rows": 10, "data-preview": "block"}),
    )
    area = forms.ModelChoiceField(
        label="Product area",
        queryset=ProductArea.objects.order_by("position", "name"),
        empty_label="Choose a product area",
        error_messages={"required": AREA_NEEDED, "invalid_choice": AREA_NEEDED},
    )


class IdeaEditForm(forms.Form):
    kind = IdeaForm.base_fields["kind"]
    title = IdeaForm.base_fields["title"]
    body = IdeaForm.base_fields["body"]
    area = IdeaForm.base_fields["area"]


class IdeaCommentForm(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label="Your comment",
        min_length=COMMENT_MIN,
        max_length=COMMENT_MAX,
        strip=True,
        help_text=MARKDOWN_HELP,
        error_messages=_length_messages(COMMENT_LENGTH),
        widget=forms.Textarea(attrs={"rows": 4, "data-preview": "block"}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=[(status.value, status.label) for status in SETTABLE_STATUSES],
        error_messages={"required": STATUS_UNKNOWN, "invalid_choice": STATUS_UNKNOWN},
    )
    explanation = forms.CharField(
        label="Public explanation",
        required=False,
        max_length=EXPLANATION_MAX,
        strip=True,
        help_text=(
            "Shown on the item and sent to its followers. Required when declining: say why, "
            "and what the customer can do instead. " + MARKDOWN_HELP
        ),
        error_messages={"max_length": EXPLANATION_LENGTH},
        widget=forms.Textarea(attrs={"rows": 5, "data-preview": "block"}),
    )

    def __init__(self, *args, idea: Idea | None = None, **kwargs):
        if idea is not None and "initial" not in kwargs:
            status = idea.status if idea.status != IdeaStatus.NEW else IdeaStatus.UNDER_REVIEW
            kwargs["initial"] = {"status": status, "explanation": ""}
        super().__init__(*args, **kwargs)


class MergeForm(forms.Form):
    target = forms.CharField(
        label="Merge into",
        max_length=300,
        help_text="The number or the address of the item that stays, e.g. 42. Votes and "
        "followers move there; this one shows a link to it.",
        error_messages={"required": TARGET_NEEDED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )

    def clean_target(self) -> Idea:
        reference = self.cleaned_data["target"].strip()
        match = _NUMBER.match(reference) or _ADDRESS.search(reference)
        target = Idea.objects.filter(pk=int(match.group(1))).first() if match else None
        if target is None:
            raise forms.ValidationError(TARGET_MISSING.format(reference=reference[:60]))
        return target
