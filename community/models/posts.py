"""Questions, answers and comments, and the revisions of questions and answers.

Bodies are Markdown (``body_md``) rendered and sanitised once on save into ``body_html``
(``portal.sanitize.render_markdown``); templates show ``body_html`` and nothing else of user
HTML. Counters (``score``, ``answer_count``, ``comment_count``) change only through
``community.services`` with ``F()`` expressions. Posts are hidden by moderators, never deleted
while others depend on them.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Question(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions"
    )
    title = models.CharField(max_length=150)
    body_md = models.TextField()
    body_html = models.TextField(editable=False)
    tags = models.ManyToManyField("community.Tag", related_name="questions")
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The course or lesson the question is about.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    score = models.IntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    accepted_answer = models.OneToOneField(
        "community.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_for",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_answer_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first visible answer came (for reports)."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    close_reason = models.CharField(max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="question_newest"),
            models.Index(fields=["-last_activity_at"], name="question_active"),
            models.Index(
                fields=["-created_at"],
                condition=Q(answer_count=0, hidden_at__isnull=True),
                name="question_unanswered",
            ),
            GinIndex(fields=["search_vector"], name="question_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:question", args=[self.pk])


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body_md = models.TextField()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    score = models.IntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["question", "created_at"], name="answer_question"),
            models.Index(fields=["author", "-created_at"], name="answer_author"),
            GinIndex(fields=["search_vector"], name="answer_search"),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to question {self.question_id}"

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"


class Comment(models.Model):
    """A short remark on a question or an answer (exactly one of them)."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_comments"
    )
    body_md = models.TextField(max_length=600)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="comment_on_one_post",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"


class Revision(models.Model):
    """One version of a question or answer: the first post and every edit, numbered from 1."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=150, blank=True)
    body_md = models.TextField()
    tag_names = models.CharField(max_length=400, blank=True)
    summary = models.CharField(max_length=200, blank=True, help_text="What the edit changed.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="revision_of_one_post",
            ),
            models.UniqueConstraint(fields=["question", "number"], name="revision_question_number"),
            models.UniqueConstraint(fields=["answer", "number"], name="revision_answer_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"
