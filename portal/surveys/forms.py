"""The survey's form, built by Wagtail's form builder from the questions staff wrote, with the
survey question types and "skip to" rules; and the admin page form that checks those rules.

A skip rule on a question says "if the answer is one of these, skip to that later question (or
to the end)". The form works it out from the posted answers, in order: the questions skipped are
not required and their answers are discarded, even if a visitor posted them. The page shows
every question; ``portal/static/surveys/survey.js`` hides the skipped ones as answers change,
and without JavaScript each rule is also written under its question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import django.forms
from django.core.exceptions import ValidationError

from wagtail.contrib.forms.forms import BaseForm, FormBuilder, WagtailAdminFormPageForm

from portal.surveys import questions as q

CHOOSE_ONE = "Choose one answer."
CHOOSE_SHOWN = "Choose one of the answers shown."
CHOOSE_AT_LEAST_ONE = "Choose at least one answer."
CHOOSE_AMONG_SHOWN = "Choose among the answers shown."
ANSWER_YES_NO = "Answer yes or no."
CHOOSE_RECOMMEND = "Choose a number from 0 to 10."
WRITE_ANSWER = "Write an answer to this question."
COMMENT_TOO_LONG = "Keep your comment to 2,000 characters or fewer."
TEXT_TOO_LONG = "Keep your answer to 255 characters or fewer."

# Errors shown to staff in the page editor.
NEEDS_CHOICES = "List at least two choices, one per line."
CANNOT_SKIP = "Only scale, yes/no, choice and 0-10 questions can skip: remove the rule."
UNKNOWN_ANSWER = "“{answer}” is not an answer of this question. Use: {options}."
NO_ANSWERS = "Say which answers skip (“If the answer is”), or leave “Skip to” empty."
UNKNOWN_TARGET = (
    "No later question is labelled “{label}”. Type the label of a question below this one, "
    "or leave it empty to skip to the end."
)
CORE_QUESTIONS = (
    "The course feedback survey stores each course's ratings: keep its questions "
    "{names} with their types (you may reword them and add others)."
)


@dataclass(frozen=True)
class SkipRule:
    """If ``question``'s answer is one of ``answers``, skip to ``target`` (a clean name; END is
    the end of the survey)."""

    question: str
    answers: frozenset[str]
    target: str
    target_label: str
    written: tuple[str, ...] = ()

    @property
    def answers_json(self) -> str:
        return json.dumps(sorted(self.answers))


def skip_rules(fields) -> dict[str, SkipRule]:
    """The rules of a survey's fields (in their order), keyed by the question that skips.

    A rule whose target is not a later question is ignored (the admin form refuses to save one,
    so only data edited by hand can have it): every question is then asked.
    """
    fields = list(fields)
    rules: dict[str, SkipRule] = {}
    for position, field in enumerate(fields):
        if field.field_type not in q.SKIPPABLE_TYPES or not field.skip_when.strip():
            continue
        target, target_label = q.END, ""
        if field.skip_to.strip():
            later = {other.label.strip().casefold(): other for other in fields[position + 1 :]}
            found = later.get(field.skip_to.strip().casefold())
            if found is None:
                continue
            target, target_label = _name(found), found.label
        answers = q.parse_skip_answers(field_type=field.field_type, text=field.skip_when)
        rules[_name(field)] = SkipRule(
            question=_name(field),
            answers=frozenset(answers),
            target=target,
            target_label=target_label,
            written=tuple(q.split_list(field.skip_when)),
        )
    return rules


def _name(field) -> str:
    return field.clean_name or field.get_field_clean_name()


class SurveyForm(BaseForm):
    """A survey's answers. ``skip_rules`` and ``kinds`` (clean name -> question type) are set by
    the builder; after ``is_valid()``, ``answers()`` gives what to store."""

    skip_rules: dict[str, SkipRule] = {}
    kinds: dict[str, str] = {}

    def full_clean(self):
        self.skipped = self._skipped() if self.is_bound else set()
        for name in self.skipped:
            self.fields[name].required = False
        super().full_clean()
        if self.is_bound and hasattr(self, "cleaned_data"):
            for name in self.skipped:
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)

    def _peek(self, name: str):
        """A question's posted answer, cleaned, or None when it is not valid."""
        field = self.fields[name]
        raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        try:
            return field.clean(raw)
        except ValidationError:
            return None

    def _skipped(self) -> set[str]:
        skipped: set[str] = set()
        until: str | None = None
        for name in self.fields:
            if until is not None:
                if name == until:
                    until = None
                else:
                    skipped.add(name)
                    continue
            rule = self.skip_rules.get(name)
            if rule and q.matches(answer=self._peek(name), answers=set(rule.answers)):
                until = rule.target
        return skipped

    def answers(self) -> dict[str, object]:
        """Every question's cleaned answer in order; None for skipped or unanswered ones."""
        answers = {}
        for name in self.fields:
            value = None if name in self.skipped else self.cleaned_data.get(name)
            answers[name] = None if value in ("", []) else value
        return answers

    def questions(self) -> list[dict]:
        """What the template shows per question: the bound field, its type and its rule."""
        return [
            {
                "field": self[name],
                "kind": self.kinds.get(name, ""),
                "rule": self.skip_rules.get(name),
            }
            for name in self.fields
        ]


class SurveyFormBuilder(FormBuilder):
    """Wagtail's form builder with the survey question types (see ``portal.surveys.questions``)."""

    def __init__(self, fields):
        super().__init__(list(fields))

    def _radios(self, options: dict, choices: list[str], required: str, invalid: str):
        options["choices"] = [(choice, choice) for choice in choices]
        options["widget"] = django.forms.RadioSelect(attrs={"class": "survey__scale"})
        options["initial"] = None
        options["error_messages"] = {"required": required, "invalid_choice": invalid}
        return django.forms.ChoiceField(**options)

    def create_scale_field(self, field, options):
        choices = q.answer_options(field_type=q.SCALE, offer_na=field.offer_na)
        return self._radios(options, choices, CHOOSE_ONE, CHOOSE_SHOWN)

    def create_yesno_field(self, field, options):
        return self._radios(options, [q.YES, q.NO], ANSWER_YES_NO, ANSWER_YES_NO)

    def create_choice_field(self, field, options):
        choices = q.answer_options(field_type=q.CHOICE, choices=field.choices)
        return self._radios(options, choices, CHOOSE_ONE, CHOOSE_SHOWN)

    def create_choices_field(self, field, options):
        choices = q.answer_options(field_type=q.CHOICES, choices=field.choices)
        options["choices"] = [(choice, choice) for choice in choices]
        options["widget"] = django.forms.CheckboxSelectMultiple(attrs={"class": "survey__scale"})
        options["initial"] = []
        options["error_messages"] = {
            "required": CHOOSE_AT_LEAST_ONE,
            "invalid_choice": CHOOSE_AMONG_SHOWN,
            "invalid_list": CHOOSE_AMONG_SHOWN,
        }
        return django.forms.MultipleChoiceField(**options)

    def create_recommend_field(self, field, options):
        numbers = range(q.RECOMMEND_MIN, q.RECOMMEND_MAX + 1)
        options["choices"] = [(number, str(number)) for number in numbers]
        options["widget"] = django.forms.RadioSelect(attrs={"class": "survey__scale"})
        options["initial"] = None
        options["error_messages"] = {
            "required": CHOOSE_RECOMMEND,
            "invalid_choice": CHOOSE_RECOMMEND,
        }
        return django.forms.TypedChoiceField(coerce=int, empty_value=None, **options)

    def create_comment_field(self, field, options):
        options["max_length"] = q.COMMENT_MAX_LENGTH
        options["widget"] = django.forms.Textarea(attrs={"rows": 5})
        options["error_messages"] = {"required": WRITE_ANSWER, "max_length": COMMENT_TOO_LONG}
        return django.forms.CharField(**options)

    def create_singleline_field(self, field, options):
        options["max_length"] = q.SHORT_TEXT_MAX_LENGTH
        options["error_messages"] = {"required": WRITE_ANSWER, "max_length": TEXT_TOO_LONG}
        return django.forms.CharField(**options)

    def get_form_class(self):
        attributes = {
            **self.formfields,
            "skip_rules": skip_rules(self.fields),
            "kinds": {_name(field): field.field_type for field in self.fields},
        }
        return type("SurveyForm", (SurveyForm,), attributes)


# --- The page editor --------------------------------------------------------------------------


def question_errors(rows: list[dict]) -> list[dict[str, str]]:
    """Staff's mistakes in a survey's questions, in order: per row, field name -> message.

    Each row has ``label``, ``field_type``, ``choices``, ``offer_na``, ``skip_when`` and
    ``skip_to`` as typed in the editor.
    """
    errors: list[dict[str, str]] = []
    for position, row in enumerate(rows):
        found: dict[str, str] = {}
        kind = row.get("field_type") or ""
        if kind in q.CHOICE_TYPES and len(q.split_list(row.get("choices") or "")) < 2:
            found["choices"] = NEEDS_CHOICES
        skip_when = (row.get("skip_when") or "").strip()
        skip_to = (row.get("skip_to") or "").strip()
        if skip_when and kind not in q.SKIPPABLE_TYPES:
            found["skip_when"] = CANNOT_SKIP
        elif skip_when:
            options = q.answer_options(
                field_type=kind, choices=row.get("choices") or "", offer_na=row.get("offer_na")
            )
            folded = {option.casefold() for option in options}
            for answer in q.parse_skip_answers(field_type=kind, text=skip_when):
                if answer.casefold() not in folded:
                    found["skip_when"] = UNKNOWN_ANSWER.format(
                        answer=answer, options=", ".join(options)
                    )
                    break
        elif skip_to:
            found["skip_when"] = NO_ANSWERS
        if skip_to and skip_when:
            later = {
                (other.get("label") or "").strip().casefold() for other in rows[position + 1 :]
            }
            if skip_to.casefold() not in later:
                found["skip_to"] = UNKNOWN_TARGET.format(label=skip_to)
        errors.append(found)
    return errors


class SurveyPageForm(WagtailAdminFormPageForm):
    """The page editor's form: Wagtail's checks, then the skip rules and choices (see
    ``question_errors``), and the course feedback survey's fixed questions."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("form_fields")
        if formset is None:
            return cleaned_data
        forms = [
            form
            for form in formset.forms
            if form.is_valid() and not form.cleaned_data.get("DELETE", False)
        ]
        forms.sort(
            key=lambda form: (
                form.cleaned_data.get("ORDER") is None,
                form.cleaned_data.get("ORDER") or 0,
            )
        )
        rows = [form.cleaned_data for form in forms]
        for form, found in zip(forms, question_errors(rows), strict=True):
            for name, message in found.items():
                form.add_error(name, message)
        core = getattr(self.instance, "core_questions", dict)()
        if core:
            kept = {form.instance.clean_name: form.cleaned_data.get("field_type") for form in forms}
            if any(kept.get(name) != kind for name, kind in core.items()):
                self.add_error(None, CORE_QUESTIONS.format(names=", ".join(core)))
        return cleaned_data
