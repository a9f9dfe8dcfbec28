"""Forms for asking, answering, commenting and editing.

They check shape only (lengths, a choice among live courses, the honeypot); the services
check everything again and decide who may post, so a form and a direct call never disagree.
"""

from __future__ import annotations

from django import forms

from community.post_services import (
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    COMMENT_MIN,
    SUMMARY_MAX,
    TAGS_MAX,
    TITLE_MAX,
    TITLE_MIN,
)

HONEYPOT_FIELD = "website"
HONEYPOT_TRIPPED = "Your post could not be sent. Please try again."
TAGS_HELP = (
    f"1 to {TAGS_MAX} existing tags, separated by commas, for example “deployment, networking”."
)
BODY_HELP = (
    "Markdown: **bold**, *italic*, `code`, ``` fenced code ```, > quotes, lists, tables and "
    "[links](https://example.com). Images and HTML are not shown."
)


def split_tags(value: str) -> list[str]:
    """ "a, b c" -> ["a", "b c"]: tags are separated by commas (names may hold spaces)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class HoneypotMixin(forms.Form):
    """A field people never see or reach (hidden by CSS, from assistive tech and from the tab
    order); simple bots fill every field, and a filled one refuses the post generically."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip():
            raise forms.ValidationError(HONEYPOT_TRIPPED, code="honeypot")
        return cleaned


def _body_field(label: str, *, rows: int = 12) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        help_text=BODY_HELP,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "data-preview": "block"}),
    )


class QuestionForm(HoneypotMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text="Be specific: imagine you are asking another person the question.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-similar": "title"}),
    )
    body = _body_field("What are the details of your problem?")
    tags = forms.CharField(label="Tags", max_length=400, help_text=TAGS_HELP)
    page = forms.TypedChoiceField(
        label="Course or lesson",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="The course or lesson your question is about, if any.",
    )

    def __init__(self, *args, page_choices: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [("", "None"), *page_choices]

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class QuestionEditForm(forms.Form):
    title = QuestionForm.base_fields["title"]
    body = _body_field("Body")
    tags = forms.CharField(label="Tags", max_length=400, help_text=TAGS_HELP)
    summary = forms.CharField(
        label="Edit summary",
        required=False,
        max_length=SUMMARY_MAX,
        help_text="Briefly explain your changes (corrected spelling, fixed a link…).",
    )

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class AnswerForm(HoneypotMixin, forms.Form):
    body = _body_field("Your answer", rows=10)


class AnswerEditForm(forms.Form):
    body = _body_field("Answer")
    summary = QuestionEditForm.base_fields["summary"]


class CommentForm(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label="Comment",
        min_length=COMMENT_MIN,
        max_length=COMMENT_MAX,
        strip=True,
        help_text=(
            "Ask for clarification or suggest an improvement; answer in an answer. "
            "**bold**, *italic*, `code` and [links](https://example.com) work."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "data-preview": "inline"}),
    )
