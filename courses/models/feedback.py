"""Learners' answers to the survey at the end of a course. Written only through
courses.feedback_services; read by the staff reports (courses.reports)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

RATING_MIN, RATING_MAX = 1, 5
RECOMMEND_MIN, RECOMMEND_MAX = 0, 10
COMMENT_MAX_LENGTH = 2000
PROMOTER_MIN = 9  # 9 and 10 are promoters, 0 to 6 detractors (Net Promoter Score)
DETRACTOR_MAX = 6


def _rating_field(verbose_name: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name=verbose_name,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=help_text,
    )


class CourseFeedback(models.Model):
    """One member's survey answer about a course they completed; answering again updates it.

    Staff see the answers in Reports › Course reports, without the member's name.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_feedback"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="feedback"
    )
    content_rating = _rating_field("content", "How good the content was, from 1 (poor) to 5.")
    instructor_rating = _rating_field("instructor", "How good the teaching was, from 1 to 5.")
    pace_rating = _rating_field("pace", "How well the pace suited the member, from 1 to 5.")
    recommend = models.PositiveSmallIntegerField(
        verbose_name="likely to recommend",
        validators=[MinValueValidator(RECOMMEND_MIN), MaxValueValidator(RECOMMEND_MAX)],
        help_text="How likely the member is to recommend the course, from 0 to 10 (for NPS).",
    )
    comment = models.TextField(
        max_length=COMMENT_MAX_LENGTH, blank=True, help_text="Anything else, in the member's words."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "course feedback"
        verbose_name_plural = "course feedback"
        permissions = [("view_course_reports", "Can see course reports")]
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="feedback_unique_member"),
            models.CheckConstraint(
                condition=models.Q(content_rating__range=(RATING_MIN, RATING_MAX))
                & models.Q(instructor_rating__range=(RATING_MIN, RATING_MAX))
                & models.Q(pace_rating__range=(RATING_MIN, RATING_MAX)),
                name="feedback_ratings_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(recommend__range=(RECOMMEND_MIN, RECOMMEND_MAX)),
                name="feedback_recommend_0_to_10",
            ),
        ]
        indexes = [models.Index(fields=["course", "-updated_at"], name="feedback_course_latest")]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.course_id}"
