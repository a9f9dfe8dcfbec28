"""Moderation: members flag posts; moderators hide or restore them, warn and suspend members;
every moderator action is logged."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSIVE = "abusive", "Rude or abusive"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        ACTIONED = "actioned", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_flags"
    )
    question = models.ForeignKey(
        "community.Question", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    comment = models.ForeignKey(
        "community.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
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
                condition=(
                    Q(question__isnull=False, answer__isnull=True, comment__isnull=True)
                    | Q(question__isnull=True, answer__isnull=False, comment__isnull=True)
                    | Q(question__isnull=True, answer__isnull=True, comment__isnull=False)
                ),
                name="flag_on_one_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "question"],
                condition=Q(status="open"),
                name="flag_one_open_per_question",
            ),
            models.UniqueConstraint(
                fields=["reporter", "answer"],
                condition=Q(status="open"),
                name="flag_one_open_per_answer",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open"),
                name="flag_one_open_per_comment",
            ),
        ]
        permissions = [("moderate_community", "Can moderate the community")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag {self.pk}"


class Warning(models.Model):  # noqa: A001 - the moderation term
    """A moderator's warning to a member, shown to them until they acknowledge it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_warnings"
    )
    message = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Warning to {self.member_id}"


class Suspension(models.Model):
    """A member barred from posting, voting and flagging until ``ends_at`` (empty: for good)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_suspensions"
    )
    reason = models.TextField(help_text="Shown to the member.")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["member", "-starts_at"], name="suspension_member")]

    def __str__(self) -> str:
        return f"Suspension of {self.member_id}"


class ModerationAction(models.Model):
    """The log of every moderator action: who did what to which post or member, and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid a post"
        RESTORE = "restore", "Restored a post"
        DISMISS_FLAG = "dismiss_flag", "Dismissed a flag"
        WARN = "warn", "Warned a member"
        SUSPEND = "suspend", "Suspended a member"
        LIFT = "lift", "Lifted a suspension"
        CLOSE = "close", "Closed a question"
        REOPEN = "reopen", "Reopened a question"
        EDIT = "edit", "Edited a post"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member acted on, or the author of the post acted on.",
    )
    question = models.ForeignKey(
        "community.Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "community.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "community.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"
