"""What each member did: enrolments and lesson progress. Written only through courses.services."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Enrollment(models.Model):
    """A member's place in a course; one per member and course (a constraint, for races)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member completed the last lesson."
    )
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lesson the member opened last: where “Continue” leads.",
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="enrollment_unique_member")
        ]
        indexes = [models.Index(fields=["member", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.course_id}"


class LessonProgress(models.Model):
    """How far a member got in a lesson; ``furthest_seconds`` only ever grows."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    position_seconds = models.FloatField(default=0, help_text="Where playback was last reported.")
    furthest_seconds = models.FloatField(default=0, help_text="The furthest point reached.")
    duration_seconds = models.FloatField(default=0, help_text="The video's length as reported.")
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="progress_unique_member"),
            models.CheckConstraint(
                condition=models.Q(position_seconds__gte=0)
                & models.Q(furthest_seconds__gte=0)
                & models.Q(duration_seconds__gte=0),
                name="progress_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.furthest_seconds:.0f}s of {self.lesson_id}"
