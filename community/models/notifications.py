"""Follows, notifications (in the site and by e-mail) and each member's preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Follow(models.Model):
    """A member following a question or a tag (exactly one)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_follows"
    )
    question = models.ForeignKey(
        "community.Question",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    tag = models.ForeignKey(
        "community.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, tag__isnull=True)
                | Q(question__isnull=True, tag__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(fields=["member", "question"], name="follow_once_question"),
            models.UniqueConstraint(fields=["member", "tag"], name="follow_once_tag"),
        ]

    def __str__(self) -> str:
        return f"Follow by {self.member_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        ANSWER_ON_MY_QUESTION = "answer", "New answer to your question"
        COMMENT_ON_MY_POST = "comment", "New comment on your post"
        MY_ANSWER_ACCEPTED = "accepted", "Your answer was accepted"
        FOLLOWED_QUESTION = "followed_question", "Activity on a question you follow"
        FOLLOWED_TAG = "followed_tag", "New question in a tag you follow"
        MODERATION = "moderation", "A message from the moderators"
        IDEA_STATUS = "idea_status", "Status change on an idea you follow"
        IDEA_COMMENT = "idea_comment", "New comment on an idea you follow"
        THANKED = "thanked", "Someone thanked you"
        GIVEAWAY_WON = "giveaway_won", "You won a giveaway"
        TESTIMONIAL = "testimonial", "About your testimonial"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(
        "community.Question", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    idea = models.ForeignKey(
        "community.Idea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    url = models.CharField(
        max_length=300, blank=True, help_text="The page it is about, when not a question or idea."
    )
    text = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["member", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"


class NotificationPreference(models.Model):
    """How a member wants to hear about community activity (defaults when there is no row)."""

    class Email(models.TextChoices):
        INSTANT = "instant", "Right away"
        DAILY = "daily", "In a daily digest"
        NEVER = "never", "Never (only in the site)"

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_preferences"
    )
    answers = models.CharField(max_length=10, choices=Email.choices, default=Email.INSTANT)
    comments = models.CharField(max_length=10, choices=Email.choices, default=Email.DAILY)
    accepted = models.CharField(max_length=10, choices=Email.choices, default=Email.INSTANT)
    followed = models.CharField(max_length=10, choices=Email.choices, default=Email.DAILY)

    def __str__(self) -> str:
        return f"Preferences of {self.member_id}"
