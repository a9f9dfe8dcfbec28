"""Reputation: a ledger of events (the truth) and each member's total (kept with ``F()``).

Every change of reputation is a :class:`ReputationEvent` with a unique ``key`` naming its cause
(``vote:<id>``, ``accept:<answer id>``, ...): repeating a cause changes nothing, undoing it
writes the opposite event. ``MemberReputation.total`` is the sum of the member's events, kept in
the same transaction; ``manage.py recompute_reputation`` rebuilds it from the ledger and reports
any drift.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReputationEvent(models.Model):
    class Kind(models.TextChoices):
        QUESTION_UPVOTED = "question_upvoted", "Question voted up"
        QUESTION_DOWNVOTED = "question_downvoted", "Question voted down"
        ANSWER_UPVOTED = "answer_upvoted", "Answer voted up"
        ANSWER_DOWNVOTED = "answer_downvoted", "Answer voted down"
        DOWNVOTE_CAST = "downvote_cast", "Voted an answer down"
        ANSWER_ACCEPTED = "answer_accepted", "Answer accepted"
        ACCEPTED_AN_ANSWER = "accepted_an_answer", "Accepted an answer"
        REVERSAL = "reversal", "Undone"
        MODERATION = "moderation", "Moderator adjustment"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_events"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    points = models.IntegerField()
    key = models.CharField(
        max_length=80, unique=True, help_text="The cause, e.g. vote:12:up; unique per cause."
    )
    question = models.ForeignKey(
        "community.Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "-created_at"], name="repevent_member")]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind} for {self.member_id}"


class MemberReputation(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_reputation"
    )
    total = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-total"], name="reputation_total")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.total}"
