"""Reads of the course survey for learners: the survey page's course, and whether it is due.

The staff's figures are in ``courses.reports``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import JSONObject

from courses.feedback_services import ANSWER_FIELDS
from courses.models import CourseFeedback, CoursePage, Enrollment


def feedback_course(*, course_id: int, member) -> CoursePage | None:
    """The live course for the survey page, in one query, with the member's state in it.

    It comes with ``completed_at`` (the member's completion, or None) and ``answer`` (a dict of
    the member's earlier answer, or None), so the page needs no other query.
    """
    mine = Enrollment.objects.filter(member=member, course=OuterRef("pk"))
    answer = CourseFeedback.objects.filter(member=member, course=OuterRef("pk")).values(
        data=JSONObject(**{name: name for name in ANSWER_FIELDS})
    )
    return (
        CoursePage.objects.live()
        .filter(pk=course_id)
        .only("id", "title", "slug", "url_path", "path", "depth", "live")
        .annotate(
            completed_at=Subquery(mine.values("completed_at")[:1]),
            answer=Subquery(answer[:1]),
        )
        .first()
    )


def survey_due(*, member, course_path: str) -> int | None:
    """The id of the course at ``course_path`` if ``member`` completed it and has not answered
    its survey yet, else None: one query, none for an anonymous visitor."""
    if member is None or not member.is_authenticated:
        return None
    answered = CourseFeedback.objects.filter(member=member, course=OuterRef("course"))
    return (
        Enrollment.objects.filter(
            member=member, course__path=course_path, course__live=True, completed_at__isnull=False
        )
        .exclude(Exists(answered))
        .values_list("course_id", flat=True)
        .first()
    )
