"""Live sessions with experts, online or in a classroom, and members' registrations for them.

A session is a Wagtail page under the catalog or a course, but it is served at its own address
(``/learning/sessions/<id>/``) because the catalog and course pages route only to their courses
and lessons. Registrations are written only through ``courses.session_services``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page


class LiveSessionPage(Page):
    """A dated session with an expert: online (with a join link) or in a classroom (with a seat).

    Editors set the time, the capacity and the links; members register on the page, and the
    join link is shown only to those holding a seat. Add the recording once it is available.
    """

    LIVE = "live"
    CLASSROOM = "classroom"
    KIND_CHOICES = [(LIVE, "Live online session"), (CLASSROOM, "Classroom session")]

    kind = models.CharField(
        max_length=20,
        choices=KIND_CHOICES,
        default=LIVE,
        help_text="Online seats go on registration; classroom seats are confirmed by staff.",
    )
    expert = models.CharField(max_length=120, help_text="Who leads the session, as shown.")
    summary = models.CharField(
        max_length=250, help_text="One or two sentences on what the session covers."
    )
    starts_at = models.DateTimeField(help_text="When it starts (members see their own time zone).")
    ends_at = models.DateTimeField(help_text="When it ends; the recording is shown after this.")
    capacity = models.PositiveIntegerField(
        default=20, help_text="Seats; registrations past this join the waiting list."
    )
    join_url = models.URLField(
        blank=True, help_text="The video call's address, shown only to registered members."
    )
    recording_url = models.URLField(
        blank=True, help_text="The recording's address, shown after the session ends (optional)."
    )
    location = models.CharField(
        max_length=250, blank=True, help_text="Classroom sessions: the address of the room."
    )
    price = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Classroom sessions: the price of a seat (leave empty when free).",
    )
    currency = models.CharField(
        max_length=3,
        default="EUR",
        help_text="Classroom sessions: ISO code of the price's currency.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("expert"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
        FieldPanel("capacity"),
        FieldPanel("join_url"),
        FieldPanel("recording_url"),
        MultiFieldPanel(
            [FieldPanel("location"), FieldRowPanel([FieldPanel("price"), FieldPanel("currency")])],
            heading="Classroom sessions",
        ),
    ]
    parent_page_types = ["courses.CourseIndexPage", "courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/live_session_page.html"

    class Meta:
        verbose_name = "live session"

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.kind == self.CLASSROOM and not self.location:
            errors["location"] = "A classroom session needs a location."
        if errors:
            raise ValidationError(errors)

    @property
    def is_classroom(self) -> bool:
        return self.kind == self.CLASSROOM

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def has_ended(self) -> bool:
        return timezone.now() >= self.ends_at

    def get_url_parts(self, request=None):
        """Served at /learning/sessions/<id>/ (the catalog and courses route only their own)."""
        parts = super().get_url_parts(request)
        if parts is None or not self.pk:
            return parts
        site_id, root_url, _ = parts
        return site_id, root_url, reverse("courses:session", args=[self.pk])

    def get_context(self, request, *args, **kwargs):
        from courses.session_selectors import session_view
        from courses.session_views import feed_url

        context = super().get_context(request, *args, **kwargs)
        context.update(session_view(session=self, member=request.user))
        context["feed_url"] = feed_url(request) if request.user.is_authenticated else ""
        return context


class SessionRegistration(models.Model):
    """A member's seat, place on the waiting list or seat request for a session; one per pair.

    Staff confirm or decline classroom seat requests from the session's roster in the admin;
    who decided, when and why are kept for the member's email and for later questions.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        WAITLISTED = "waitlisted", "On the waiting list"
        REQUESTED = "requested", "Seat requested"
        DECLINED = "declined", "Seat request declined"
        CANCELLED = "cancelled", "Cancelled"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_registrations"
    )
    session = models.ForeignKey(
        LiveSessionPage, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(
        default=timezone.now, help_text="When the member (last) registered: the waiting order."
    )
    attended = models.BooleanField(
        null=True, blank=True, help_text="Marked by staff after the session; empty until then."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder email was sent."
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the seat request was confirmed or declined."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who confirmed or declined the request (empty for a voucher).",
    )
    decline_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why staff declined the seat request; sent to the member in the email.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "session"], name="session_registration_unique_member"
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} for {self.session_id}"
