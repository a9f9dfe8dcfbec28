"""Exams: which banks they draw from, how many questions, and the rules of an attempt.

An exam is a snippet (Snippets › Exams) served at /certification/exams/<slug>/ once published.
The coming Certification model points at the exam that awards it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

TOO_FEW_QUESTIONS = "The chosen banks have {available} questions; the exam needs {needed}."
TOO_FEW_ON_TOPIC = (
    "The chosen banks have {available} questions on “{topic}”; you asked for {needed}."
)
QUOTAS_EXCEED_TOTAL = "The per-topic counts add up to {total}, more than the questions per attempt."


class ExamForm(WagtailAdminModelForm):
    """Checks in the admin that the chosen banks can fill an attempt (the draw checks again)."""

    def clean(self):
        cleaned = super().clean()
        banks = cleaned.get("banks")
        needed = cleaned.get("questions_per_attempt")
        if not banks or not needed:
            return cleaned
        formset = self.formsets.get("topic_quotas")
        quotas = {}
        if formset is not None and formset.is_valid():
            for form in formset.forms:
                data = getattr(form, "cleaned_data", {})
                if data and not data.get("DELETE") and data.get("topic"):
                    quotas[data["topic"].strip().casefold()] = (data["topic"], data["count"] or 0)
        available: dict[str, int] = {}
        for bank in banks:
            for topic, count in bank.topic_counts().items():
                available[topic.casefold()] = available.get(topic.casefold(), 0) + count
        errors = []
        total_available = sum(available.values())
        if total_available < needed:
            errors.append(TOO_FEW_QUESTIONS.format(available=total_available, needed=needed))
        for key, (topic, count) in quotas.items():
            if available.get(key, 0) < count:
                errors.append(
                    TOO_FEW_ON_TOPIC.format(
                        available=available.get(key, 0), topic=topic, needed=count
                    )
                )
        quota_total = sum(count for _, count in quotas.values())
        if quota_total > needed:
            errors.append(QUOTAS_EXCEED_TOTAL.format(total=quota_total))
        if errors:
            raise ValidationError(errors)
        return cleaned


class Exam(index.Indexed, ClusterableModel):
    """A timed exam. Learners take it at /certification/exams/<slug>/ once it is published.

    Each attempt draws its questions at random from the exam's banks (a fixed number per topic
    where set), in random order with shuffled choices, and is scored on the server.
    """

    title = models.CharField(max_length=200, help_text="As learners see it.")
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Its address: /certification/exams/<slug>/."
    )
    description = models.TextField(
        blank=True, help_text="What the exam covers and how to prepare, shown before starting."
    )
    banks = models.ManyToManyField(
        "certification.QuestionBank",
        related_name="exams",
        help_text="The banks questions are drawn from.",
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="How many questions each attempt draws.",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="When time is up the attempt is submitted with the answers given so far.",
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The lowest score that passes, in percent of the questions.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=3, help_text="How many times a member may take the exam (0 for no limit)."
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours to wait after a failed attempt before the next (0: none)."
    )
    reveal_answers = models.BooleanField(
        default=False,
        help_text="Show the right answers and explanations on the result page. Leave off to "
        "keep the bank's questions worth drawing again.",
    )
    prerequisites = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="+",
        help_text="Courses a member must complete before starting (optional).",
    )
    live = models.BooleanField(
        default=False,
        verbose_name="published",
        help_text="Learners see and take only published exams.",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("live"),
        MultiFieldPanel(
            [
                FieldPanel("banks", widget=forms.CheckboxSelectMultiple),
                FieldPanel("questions_per_attempt"),
                InlinePanel(
                    "topic_quotas",
                    heading="Questions per topic",
                    label="Topic",
                    help_text="Optional: draw exactly this many questions on a topic; the rest "
                    "come from the other topics.",
                ),
            ],
            heading="Questions",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark_percent")]),
                FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("cooldown_hours")]),
                FieldPanel("reveal_answers"),
                FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Rules",
        ),
    ]
    base_form_class = ExamForm
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("certification:exam", args=[self.slug])


class ExamTopicQuota(Orderable):
    """Draw exactly ``count`` questions on ``topic`` for each attempt of the exam."""

    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="topic_quotas")
    topic = models.CharField(
        max_length=80, help_text="As written in the banks (capitals do not matter)."
    )
    count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Questions on this topic per attempt."
    )

    panels = [FieldRowPanel([FieldPanel("topic"), FieldPanel("count")])]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["exam", "topic"], name="exam_topic_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.count} on {self.topic}"
