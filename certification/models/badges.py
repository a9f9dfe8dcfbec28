"""Expert badges and the MVP title: badge classes, their awards, the evidence rules read, and
MVP nominations.

A :class:`Badge` is either an *Expert* badge, earned by rule ("holds certification X and has 10
accepted answers tagged x", evaluated by ``certification.expert`` when the events happen), or the
portal's one *MVP* badge, given by staff on an approved :class:`Nomination` for a year at a time.
Their awards (:class:`BadgeAward`) are credentials like certification awards: Open Badges hosted
assertions, never deleted, revocable with a reason.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from certification.models.awards import Credential, CredentialStatus


class Badge(index.Indexed, models.Model):
    """An Expert badge (earned by rule), the MVP title or a recognition award given by staff
    (Snippets › Badges)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", "Expert badge (earned by rule)"
        MVP = "mvp", "MVP title (awarded by staff on nomination)"
        RECOGNITION = "recognition", "Recognition award (given by staff, e.g. Member of the month)"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXPERT)
    name = models.CharField(max_length=200, help_text="As members and their employers see it.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in addresses and badges.")
    description = models.TextField(help_text="What holding it proves (shown publicly).")
    criteria = models.TextField(
        blank=True,
        help_text="How it is earned, in words, for the public badge page. Left empty, it is "
        "written from the rule.",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The badge image (PNG). Left empty, a plain badge is drawn.",
    )
    validity_months = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="How long an award lasts, in months (0: for ever). MVP titles: 12.",
    )
    # The Expert rule: all that are set must hold.
    required_certification = models.ForeignKey(
        "certification.Certification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_badges",
        help_text="Expert badges: a valid award of this certification is needed.",
    )
    answer_tag = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Expert badges: only accepted answers with this community tag count "
        "(empty: any tag).",
    )
    min_accepted_answers = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
        help_text="Expert badges: how many accepted answers are needed.",
    )
    active = models.BooleanField(
        default=True, help_text="Inactive badges are not awarded any more; awards stay."
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("validity_months"), FieldPanel("active")]),
        MultiFieldPanel(
            [
                FieldPanel("required_certification"),
                FieldRowPanel([FieldPanel("answer_tag"), FieldPanel("min_accepted_answers")]),
            ],
            heading="Expert rule",
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="mvp"), name="badge_one_mvp_title"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mvp(self) -> bool:
        return self.kind == self.Kind.MVP


class BadgeAward(Credential):
    """An Expert badge or MVP title held by a member; history like certification awards.

    At most one *current* award per member and badge. An MVP renewal makes a new award running
    on from the old expiry and marks the old one renewed (``superseded_at``).
    """

    Status = CredentialStatus

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="For the public verify link."
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="badge_awards"
    )
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
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
    superseded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who approved it (MVP); empty when earned by rule.",
    )
    expertise = models.CharField(
        max_length=200,
        blank=True,
        help_text="MVP: areas of expertise, comma separated, shown in the MVP directory.",
    )
    citation = models.CharField(
        max_length=200,
        blank=True,
        help_text="Recognition awards: what the member is recognised for (shown publicly).",
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

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "badge"],
                condition=Q(current=True),
                name="badgeaward_one_current_per_member_badge",
            )
        ]
        permissions = [("manage_badges", "Can review MVP nominations and revoke badges")]

    def __str__(self) -> str:
        return f"{self.badge_id} for {self.member_id} ({self.issued_at:%Y-%m-%d})"

    @property
    def expertise_list(self) -> list[str]:
        return [part.strip() for part in self.expertise.split(",") if part.strip()]


class AcceptedAnswer(models.Model):
    """Evidence for Expert rules: one row per accepted community answer, kept by events.

    The community app reports an answer accepted (``certification.api.answer_accepted``) and
    un-accepted or removed (``answer_unaccepted``); the row is keyed by the answer's id, so a
    repeated event changes nothing.
    """

    answer_id = models.BigIntegerField(unique=True, help_text="The community answer's id.")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    tags = ArrayField(models.SlugField(max_length=60), default=list, blank=True)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["member"], name="acceptedanswer_member")]

    def __str__(self) -> str:
        return f"Accepted answer {self.answer_id} by {self.member_id}"


class Nomination(models.Model):
    """A member nominated for the MVP title, with a reason; staff approve or decline with a note.

    One open nomination per nominee and nominator (a database constraint): nominating again
    while it is pending changes nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mvp_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="mvp_nominations_made",
    )
    reason = models.TextField(help_text="Why they deserve it: answers, talks, help given.")
    expertise = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(blank=True)
    award = models.ForeignKey(
        BadgeAward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        help_text="The MVP award an approval made (or renewed).",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominee", "nominated_by"],
                condition=Q(status="pending"),
                name="nomination_one_pending_per_nominator",
            )
        ]

    def __str__(self) -> str:
        return f"MVP nomination of {self.nominee_id}"
