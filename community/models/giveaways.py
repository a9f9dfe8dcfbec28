"""Giveaways: a contest over a period with a rule of entry; the draw picks winners from a
recorded seed over the recorded entries, so anyone can repeat it and check it was fair."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Giveaway(models.Model):
    class Rule(models.TextChoices):
        ANSWERED_OR_COMMENTED = (
            "answered_or_commented",
            "Answered or commented on a question between the dates",
        )
        ANSWERED = "answered", "Answered a question between the dates"
        ASKED = "asked", "Asked a question between the dates"
        SUBMITTED_IDEA = "submitted_idea", "Submitted an idea or complaint between the dates"
        COMPLETED_COURSE = "completed_course", "Completed a course between the dates"

    title = models.CharField(max_length=150)
    description = models.TextField(help_text="The prize and the terms, shown publicly.")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    winner_count = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seed = models.CharField(
        max_length=64, blank=True, help_text="The recorded seed of the draw (hex), set when drawn."
    )
    entries_digest = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the ordered entry list the draw used."
    )
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-ends_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="giveaway_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(winner_count__gte=1), name="giveaway_has_winners"),
        ]
        permissions = [("manage_giveaways", "Can create giveaways and draw their winners")]

    def __str__(self) -> str:
        return self.title


class GiveawayEntry(models.Model):
    """A member who met the rule, recorded when the draw ran (``position``: their place in the
    ordered list the seed draws from)."""

    giveaway = models.ForeignKey(Giveaway, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["giveaway", "member"], name="giveawayentry_once"),
            models.UniqueConstraint(fields=["giveaway", "position"], name="giveawayentry_position"),
        ]

    def __str__(self) -> str:
        return f"Entry {self.position} in {self.giveaway_id}"


class GiveawayWinner(models.Model):
    giveaway = models.ForeignKey(Giveaway, on_delete=models.CASCADE, related_name="winners")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="giveaway_wins"
    )
    rank = models.PositiveSmallIntegerField(help_text="1 for the first drawn.")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["giveaway", "member"], name="giveawaywinner_once"),
            models.UniqueConstraint(fields=["giveaway", "rank"], name="giveawaywinner_rank"),
        ]

    def __str__(self) -> str:
        return f"Winner {self.rank} of {self.giveaway_id}"
