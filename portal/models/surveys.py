"""Surveys on Wagtail's form builder: the survey page staff build, its questions, the responses
and one row per answer (for the results, counted by the database).

Written only through ``portal.surveys.services``; read by ``portal.surveys.selectors`` (the
results) and ``portal.surveys.api`` (the NPS trend of the staff dashboard).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField, AbstractFormSubmission
from wagtail.fields import RichTextField
from wagtail.models import PageViewRestriction

from modelcluster.fields import ParentalKey

from portal.surveys import questions as q
from portal.surveys.forms import SurveyFormBuilder, SurveyPageForm

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SurveyField(AbstractFormField):
    """One question of a survey: Wagtail's form field with the survey types and a skip rule."""

    page = ParentalKey("portal.SurveyPage", on_delete=models.CASCADE, related_name="form_fields")
    field_type = models.CharField(
        verbose_name="question type", max_length=16, choices=q.FIELD_TYPE_CHOICES
    )
    field_type.required_on_save = True
    offer_na = models.BooleanField(
        "offer “N/A”",
        default=True,
        help_text="5-point scales only: let members answer “N/A” (left out of the average).",
    )
    skip_when = models.CharField(
        "if the answer is",
        max_length=255,
        blank=True,
        help_text="Optional skip rule: answers, separated by commas (e.g. “No” or, for 0-10, "
        "“0-6”). Members who give one of them skip the questions in between.",
    )
    skip_to = models.CharField(
        "skip to",
        max_length=255,
        blank=True,
        help_text="The label of a later question; leave empty to skip to the end of the survey.",
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("field_type", classname="formbuilder-type", required_on_save=True),
        FieldPanel("choices", help_text="Single and multiple choice: one choice per line."),
        FieldPanel("offer_na"),
        FieldPanel("skip_when"),
        FieldPanel("skip_to"),
    ]

    class Meta(AbstractFormField.Meta):
        verbose_name = "question"


class SurveyPage(AbstractForm):
    """A survey members answer on the portal (customer satisfaction, NPS, course feedback).

    Staff add questions (5-point scales, yes/no, choices, 0-10 recommend, comments) with optional
    "skip to" rules, and read the results under Reports › Survey results.
    """

    COURSE_FEEDBACK = "course_feedback"
    PURPOSE_CHOICES = [("", "Survey"), (COURSE_FEEDBACK, "Course feedback")]

    intro = RichTextField(
        blank=True, features=TEXT_FEATURES, help_text="Shown above the questions: why you ask."
    )
    thank_you_text = RichTextField(
        blank=True, features=TEXT_FEATURES, help_text="Shown once a member has answered."
    )
    allow_multiple = models.BooleanField(
        "members may answer more than once",
        default=False,
        help_text="Off: one response per member (a second one is refused).",
    )
    allow_anonymous = models.BooleanField(
        "visitors who are not signed in may answer",
        default=False,
        help_text="Their responses are anonymous and cannot be limited to one per person.",
    )
    purpose = models.CharField(
        max_length=20,
        choices=PURPOSE_CHOICES,
        blank=True,
        default="",
        editable=False,
        help_text="Set by the portal: the course feedback survey is answered from each course.",
    )

    base_form_class = SurveyPageForm
    form_builder = SurveyFormBuilder
    template = "surveys/survey_page.html"
    landing_page_template = "surveys/survey_page_landing.html"
    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Questions"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldPanel("allow_multiple"), FieldPanel("allow_anonymous")], heading="Who answers"
        ),
    ]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "survey"
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(purpose="course_feedback"),
                name="survey_one_course_feedback",
            )
        ]

    @property
    def is_course_feedback(self) -> bool:
        return self.purpose == self.COURSE_FEEDBACK

    def core_questions(self) -> dict[str, str]:
        """Questions the course feedback survey must keep (clean name -> type); none otherwise."""
        if not self.is_course_feedback:
            return {}
        from portal.surveys.course_feedback import CORE_QUESTIONS

        return {name: kind for name, kind, *_ in CORE_QUESTIONS}

    def route(self, request, path_components):
        """When this survey is the page asked for, load what serving it needs in one query
        (``portal.surveys.selectors.survey_prepare``)."""
        result = super().route(request, path_components)
        if not path_components:
            from portal.surveys.selectors import survey_prepare

            survey_prepare(page=self, member=request.user)
        return result

    def get_view_restrictions(self):
        """None to check when ``survey_prepare`` found no restriction on the page or above."""
        if getattr(self, "is_restricted", None) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_form_fields(self):
        if not hasattr(self, "_survey_fields"):
            self._survey_fields = list(self.form_fields.all())
        return self._survey_fields

    def get_submission_class(self):
        return SurveySubmission

    def process_form_submission(self, form):
        raise NotImplementedError("Responses are saved by portal.surveys.services.survey_submit.")

    def serve(self, request, *args, **kwargs):
        from portal.surveys.views import survey_serve

        return survey_serve(request, page=self)


class SurveySubmission(AbstractFormSubmission):
    """One response: Wagtail's submission (the answers as JSON, for its own listing) with who
    answered and, for the course feedback survey, the course."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_submissions",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The course a course feedback response is about.",
    )
    once = models.BooleanField(
        default=False, help_text="Counted against the survey's one response per member."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "survey response"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "member"],
                condition=models.Q(once=True, course__isnull=True),
                name="survey_one_response_per_member",
            ),
            models.UniqueConstraint(
                fields=["page", "member", "course"],
                condition=models.Q(course__isnull=False),
                name="survey_one_response_per_course",
            ),
        ]
        indexes = [models.Index(fields=["page", "-submit_time"], name="survey_submission_latest")]


class SurveyAnswer(models.Model):
    """One answer of a response, as a row the results can count: a multiple-choice answer has a
    row per option chosen; free text is in ``text``. ``points`` is the number an average uses
    (scale 5..1, yes 1 / no 0, 0-10); N/A and choices have none."""

    submission = models.ForeignKey(
        SurveySubmission, on_delete=models.CASCADE, related_name="answers"
    )
    page = models.ForeignKey("portal.SurveyPage", on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=255, help_text="The question's clean name.")
    field_type = models.CharField(max_length=16, choices=q.FIELD_TYPE_CHOICES)
    value = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    points = models.SmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "survey answer"
        indexes = [
            models.Index(fields=["page", "question", "value"], name="survey_answer_counts"),
            models.Index(fields=["field_type", "submitted_at"], name="survey_answer_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value or self.text[:40]}"
