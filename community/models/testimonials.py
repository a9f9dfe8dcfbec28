"""Testimonials: invited from members who gave a course 9 or 10 or thanked the team, written by
them, proofread by staff with tracked edits, and published only once the author has approved the
edited text. Withdrawing consent unpublishes at once. Published ones are shown on the
testimonials page (``TestimonialsPage``) and in the home page's testimonials block, with
schema.org ``Review`` markup."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal.models.pages import RestrictionsInOneQuery


class Testimonial(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        SUBMITTED = "submitted", "Written, waiting for staff"
        AWAITING_AUTHOR = "awaiting_author", "Edited, waiting for the author's approval"
        PUBLISHED = "published", "Approved by the author and published"
        WITHDRAWN = "withdrawn", "Consent withdrawn"
        DECLINED = "declined", "Not published by staff"

    class Source(models.TextChoices):
        COURSE_RATING = "course_rating", "Rated a course 9 or 10"
        THANKS = "thanks", "Thanked the team"
        STAFF = "staff", "Invited by staff"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="testimonials"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    # What the author wrote, and the staff's proofread version (plain text, shown escaped).
    original_text = models.TextField(max_length=2000, blank=True)
    edited_text = models.TextField(max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The author's rating out of 5, if they gave one."
    )
    author_title = models.CharField(
        max_length=120, blank=True, help_text="Job title and company, as the author wants it shown."
    )
    staff_note = models.CharField(
        max_length=300, blank=True, help_text="Why the edits were made (shown to the author)."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_text = models.TextField(
        max_length=2000, blank=True, help_text="Exactly the text the author approved."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-invited_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published"),
                name="testimonial_published",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(approved_at__isnull=False) & ~Q(approved_text="")),
                name="testimonial_published_only_approved",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                name="testimonial_rating_1_to_5",
            ),
        ]
        permissions = [("manage_testimonials", "Can invite, proofread and publish testimonials")]

    def __str__(self) -> str:
        return f"Testimonial {self.pk} by {self.author_id}"


class TestimonialsPage(RestrictionsInOneQuery, Page):
    """The public page of published testimonials (one per portal)."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "testimonials page"
