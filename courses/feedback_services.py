"""Writes of the course survey: a member who completed a course answers it, or changes the answer.

One row per member and course: the answer is written with ``INSERT ... ON CONFLICT DO UPDATE``
on the unique constraint, so two submits at the same moment end with one row (the later wins).
The course survey is one of the portal's surveys: the same transaction saves the answer as the
member's response to the portal's "Course feedback" survey page (``portal.surveys.api``), where
staff see it with the other surveys' results.
"""

from django.db import transaction
from django.utils import timezone

from courses.models import CourseFeedback, CoursePage, Enrollment
from courses.services import CourseError
from portal.surveys.api import course_feedback_record

NOT_COMPLETED = "You can give feedback once you have completed the course."
NOT_LIVE = "This course is not available."

ANSWER_FIELDS = ("content_rating", "instructor_rating", "pace_rating", "recommend", "comment")


def can_give_feedback(*, member, course: CoursePage) -> bool:
    """Members who completed the course may answer its survey (one query)."""
    if member is None or not member.is_authenticated:
        return False
    return Enrollment.objects.filter(
        member=member, course=course, completed_at__isnull=False
    ).exists()


def feedback_submit(
    *,
    member,
    course: CoursePage,
    content_rating: int,
    instructor_rating: int,
    pace_rating: int,
    recommend: int,
    comment: str = "",
) -> CourseFeedback:
    """Save ``member``'s answer about ``course``, replacing their earlier answer if any.

    Raises ``CourseError`` when the course is not live or the member has not completed it, and
    ``ValidationError`` (by field) for a rating outside 1-5, a recommendation outside 0-10 or a
    comment over 2,000 characters; nothing is saved then.
    """
    if not course.live:
        raise CourseError(NOT_LIVE)
    if not can_give_feedback(member=member, course=course):
        raise CourseError(NOT_COMPLETED)
    now = timezone.now()
    answer = CourseFeedback(
        member=member,
        course=course,
        content_rating=content_rating,
        instructor_rating=instructor_rating,
        pace_rating=pace_rating,
        recommend=recommend,
        comment=(comment or "").strip(),
        created_at=now,
        updated_at=now,
    )
    # The unique constraint is the upsert's conflict target, not an error here; the member and
    # the course are the caller's rows, so their existence needs no check.
    answer.full_clean(
        exclude=["member", "course"], validate_unique=False, validate_constraints=False
    )
    # Checked above, so nothing below fails for the member's mistake: no savepoint is needed.
    with transaction.atomic(savepoint=False):
        (saved,) = CourseFeedback.objects.bulk_create(
            [answer],
            update_conflicts=True,
            unique_fields=["member", "course"],
            update_fields=[*ANSWER_FIELDS, "updated_at"],
        )
        course_feedback_record(feedback=saved)
    return saved
