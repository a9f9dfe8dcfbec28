"""Votes on questions and answers: one per member and post, changeable (a database constraint)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Vote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, "Up"
        DOWN = -1, "Down"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_votes"
    )
    question = models.ForeignKey(
        "community.Question", on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="vote_on_one_post",
            ),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_up_or_down"),
            models.UniqueConstraint(fields=["member", "question"], name="vote_one_per_question"),
            models.UniqueConstraint(fields=["member", "answer"], name="vote_one_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} by {self.member_id}"
