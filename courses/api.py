"""What other apps may ask the courses app (certification reads completion as a prerequisite)."""

from courses.models import Enrollment


def has_completed(*, member, course_id: int) -> bool:
    """True when ``member`` completed every lesson of the course (its completion date is set)."""
    return Enrollment.objects.filter(
        member=member, course_id=course_id, completed_at__isnull=False
    ).exists()
