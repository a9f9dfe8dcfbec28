"""The public wall of thanks: members thank a helper for an answer or a live session, and staff
post compliments customers sent the team. Messages are Markdown sanitised on save."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Thanks(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", "Thanks from a member"
        COMPLIMENT = "compliment", "A customer's compliment, posted by staff"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.THANKS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="thanks_given"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="thanks_received",
        help_text="The member thanked (empty: the whole team).",
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "courses.LiveSessionPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Compliments: who sent it, as they agreed to be named.",
    )
    message_md = models.TextField(max_length=1000)
    message_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "thanks"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="thanks_newest"),
            models.Index(fields=["recipient", "-created_at"], name="thanks_recipient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(recipient=models.F("author")), name="thanks_not_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["author", "answer"],
                condition=Q(answer__isnull=False),
                name="thanks_once_per_answer",
            ),
            models.UniqueConstraint(
                fields=["author", "recipient", "session"],
                condition=Q(session__isnull=False),
                name="thanks_once_per_session_helper",
            ),
        ]

    def __str__(self) -> str:
        return f"Thanks {self.pk}"
