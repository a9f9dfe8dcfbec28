"""Certifications, the awards members earn by passing their exams, and public transcripts.

Awards are history: they are never deleted (attempts protect them, the admin offers no delete).
At most one award per member and certification is *current* (a partial unique constraint): a
renewal or a new pass after expiry ends the previous one's currency and keeps it as history.
Awards are written only through ``certification.award_services``.
"""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index


class Certification(index.Indexed, models.Model):
    """A certification members earn by passing its exam (Snippets › Certification).

    It lasts ``validity_months`` from the pass (0: for ever). Holders renew it from
    ``renewal_window_days`` before it expires by passing the shorter renewal exam (or the exam
    itself when there is none); the renewed award runs on from the old expiry date.
    """

    name = models.CharField(max_length=200, help_text="As members and their employers see it.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in addresses and badges.")
    description = models.TextField(
        blank=True, help_text="What holding it proves, shown on “My certifications”."
    )
    exam = models.OneToOneField(
        "certification.Exam",
        on_delete=models.PROTECT,
        related_name="certification",
        help_text="Passing this exam awards the certification.",
    )
    renewal_exam = models.OneToOneField(
        "certification.Exam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_certification",
        help_text="Optional shorter exam for holders: passing it in the renewal window renews. "
        "Without one, holders renew by passing the exam again.",
    )
    validity_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MaxValueValidator(120)],
        help_text="How long an award is valid, in months (0: it never expires).",
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MaxValueValidator(365)],
        help_text="How many days before expiry holders may take the renewal exam.",
    )
    badge_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The badge shown with awards (used by the coming Open Badges feature).",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("exam"),
                FieldPanel("renewal_exam"),
                FieldRowPanel([FieldPanel("validity_months"), FieldPanel("renewal_window_days")]),
            ],
            heading="Earning and renewing",
        ),
        FieldPanel("badge_image"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def renew_exam(self):
        """The exam holders pass to renew: the renewal exam, or the exam itself."""
        return self.renewal_exam or self.exam


def new_salt() -> str:
    """A random salt for hashing an award's recipient e-mail in its Open Badges assertion."""
    return secrets.token_hex(16)


def hashed_identity(email: str, salt: str) -> str:
    """Open Badges 2.0 hashed recipient identity: ``sha256$`` + sha256(email + salt)."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


class Credential(models.Model):
    """What every credential a member holds shares: a certification award, an Expert badge, an
    MVP title. Each is an Open Badges 2.0 hosted assertion at a stable public address
    (``public_id``) whose recipient is the member's e-mail at issue, hashed with a salt.

    Subclasses define ``public_id``, ``member``, ``issued_at``, ``expires_at``,
    ``superseded_at`` and ``revoked_at`` / ``revocation_reason``.
    """

    recipient_salt = models.CharField(max_length=32, default=new_salt, editable=False)
    recipient_identity = models.CharField(
        max_length=80,
        blank=True,
        editable=False,
        help_text="sha256$… of the member's e-mail at issue and the salt (Open Badges).",
    )

    Status = None  # set below to the shared TextChoices

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.recipient_identity and self.member_id:
            self.recipient_identity = hashed_identity(self.member.email, self.recipient_salt)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "recipient_identity"]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Credentials are never deleted; revoke them instead.")

    def status_at(self, moment: datetime) -> str:
        if self.revoked_at:
            return CredentialStatus.REVOKED
        if self.superseded_at:
            return CredentialStatus.RENEWED
        if self.expires_at is not None and self.expires_at <= moment:
            return CredentialStatus.EXPIRED
        return CredentialStatus.VALID

    @property
    def status(self) -> str:
        """Valid, expired, renewed (superseded by a renewal) or revoked, as of now."""
        return self.status_at(timezone.now())

    @property
    def is_valid(self) -> bool:
        return self.status == CredentialStatus.VALID

    def get_status_display(self) -> str:
        return CredentialStatus(self.status).label


class CredentialStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    RENEWED = "renewed", "Renewed"
    REVOKED = "revoked", "Revoked"


Credential.Status = CredentialStatus


class Award(Credential):
    """A certification earned by a member: when, until when, and what became of it.

    ``current`` marks the member's latest award of the certification that was not revoked;
    a renewal sets ``superseded_at`` on the award it renews (status "renewed"), and passing the
    exam again after expiry or revocation makes the new award the current one. Awards
    are never deleted, so a member's history (expired, renewed, revoked) stays complete.
    """

    Status = CredentialStatus

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="For the public verify link."
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certification_awards"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="awards"
    )
    attempt = models.OneToOneField(
        "certification.Attempt",
        on_delete=models.PROTECT,
        related_name="award",
        help_text="The passing attempt that earned it.",
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    renewed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        help_text="The award this one renewed.",
    )
    current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a renewal replaced it."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(blank=True)
    reminder_30_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_7_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "certification"],
                condition=models.Q(current=True),
                name="award_one_current_per_member_certification",
            )
        ]
        permissions = [("revoke_award", "Can revoke certification awards")]

    def __str__(self) -> str:
        return f"{self.certification_id} for {self.member_id} ({self.issued_at:%Y-%m-%d})"

    def renewal_opens_at(self) -> datetime | None:
        """When holders may start renewing; None for an award that never expires."""
        if self.expires_at is None:
            return None
        return self.expires_at - timedelta(days=self.certification.renewal_window_days)


class Transcript(models.Model):
    """A member's opt-in public transcript of valid certifications.

    Shown at /certification/transcript/<slug>/ only while ``public`` is on.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certification_transcript"
    )
    public = models.BooleanField(
        default=False, help_text="Anyone with the address sees the member's valid certifications."
    )
    slug = models.SlugField(max_length=40, unique=True, help_text="The transcript's address.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Transcript of {self.member_id}"
