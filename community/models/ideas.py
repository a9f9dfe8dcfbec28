"""Ideas and complaints ("a complaint is a gift"): members submit them, vote, comment and follow;
staff answer with a status, and a declined item always carries its public explanation.

Bodies are Markdown rendered and sanitised on save (``portal.sanitize.render_markdown``), as
for questions. ``score`` and ``comment_count`` change only through ``community.idea_services``
with ``F()`` expressions. A duplicate is merged into another item (``merged_into``): its votes
and followers move there, and it stays readable with a link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ProductArea(index.Indexed, models.Model):
    """A part of the vendor's product that ideas and complaints are filed under
    (Snippets › Product areas)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in addresses.")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("position"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class IdeaStatus(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


# Statuses that end an item (time to resolution is measured to the first of them).
RESOLVED_STATUSES = (IdeaStatus.DONE, IdeaStatus.DECLINED)


class Idea(models.Model):
    class Kind(models.TextChoices):
        IDEA = "idea", "Idea"
        COMPLAINT = "complaint", "Complaint"

    Status = IdeaStatus

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IDEA)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    area = models.ForeignKey(
        ProductArea, on_delete=models.PROTECT, related_name="ideas", verbose_name="product area"
    )
    title = models.CharField(max_length=150)
    body_md = models.TextField()
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The public explanation of the current status (required when declined).
    explanation_md = models.TextField(blank=True)
    explanation_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    first_staff_response_at = models.DateTimeField(
        null=True, blank=True, help_text="The first staff comment or status change (for reports)."
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was first marked done or declined."
    )
    score = models.IntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="idea_newest"),
            models.Index(fields=["-score", "-created_at"], name="idea_top"),
            models.Index(fields=["status", "-created_at"], name="idea_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(explanation_md=""),
                name="idea_declined_explained",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="idea_not_merged_into_itself"
            ),
        ]
        permissions = [("manage_ideas", "Can set the status of ideas and merge them")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:idea", args=[self.pk])


class IdeaVote(models.Model):
    """One vote per member and item, up or down, changeable (none on one's own)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=[(1, "Up"), (-1, "Down")])
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "idea"], name="ideavote_one_per_member"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="ideavote_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} by {self.member_id} on {self.idea_id}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="idea_comments"
    )
    body_md = models.TextField(max_length=2000)
    body_html = models.TextField(editable=False)
    by_staff = models.BooleanField(default=False, help_text="Written by staff (marked as such).")
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="ideacomment_idea")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on idea {self.idea_id}"


class IdeaFollow(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_follows"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "idea"], name="ideafollow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows idea {self.idea_id}"


class IdeaStatusChange(models.Model):
    """Every status change, with its public explanation: the item's history, shown on its page."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    new_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    explanation_md = models.TextField(blank=True)
    explanation_html = models.TextField(blank=True, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(new_status="declined") | ~Q(explanation_md=""),
                name="ideastatuschange_declined_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.old_status} → {self.new_status}"
