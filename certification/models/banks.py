"""Question banks: the pools of questions that exams draw from, built by staff in the admin."""

from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from certification.blocks import QuestionStreamBlock


class QuestionBank(index.Indexed, models.Model):
    """A pool of exam questions on one subject (a snippet, under Snippets › Question banks).

    Exams draw their questions from one or more banks. Editing a bank changes future attempts
    only: an attempt keeps a copy of the questions it drew.
    """

    name = models.CharField(max_length=120, unique=True, help_text="For staff, e.g. “Basics”.")
    description = models.TextField(
        blank=True, help_text="What the bank covers and who maintains it (staff only)."
    )
    questions = StreamField(
        QuestionStreamBlock(),
        blank=True,
        help_text="Each question has a kind, a topic, its choices and an explanation.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("questions")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "question bank"

    def __str__(self) -> str:
        return self.name

    @property
    def question_count(self) -> int:
        return len(self.questions)

    def topic_counts(self) -> dict[str, int]:
        """How many questions the bank has per topic, for staff checking an exam's draw."""
        counts: dict[str, int] = {}
        for block in self.questions:
            topic = block.value["topic"].strip()
            counts[topic] = counts.get(topic, 0) + 1
        return counts
