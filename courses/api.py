"""What other apps may ask the courses app (certification reads completion as a prerequisite;
the portal's home page shows where a member left off)."""

from courses.models import Enrollment
from courses.selectors import dashboard_for

CONTINUE_LEARNING_LIMIT = 3


def has_completed(*, member, course_id: int) -> bool:
    """True when ``member`` completed every lesson of the course (its completion date is set)."""
    return Enrollment.objects.filter(
        member=member, course_id=course_id, completed_at__isnull=False
    ).exists()


def completed_course_ids(*, member, course_ids) -> set[int]:
    """Which of ``course_ids`` the member completed: one query, whatever their number."""
    return set(
        Enrollment.objects.filter(
            member=member, course_id__in=list(course_ids), completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )


def continue_learning(*, member, limit: int = CONTINUE_LEARNING_LIMIT) -> list[Enrollment]:
    """The member's unfinished courses, most recently used first, each with ``progress``.

    One query for a signed-in member; none for an anonymous visitor (an empty list).
    """
    if member is None or not member.is_authenticated:
        return []
    return dashboard_for(member=member, limit=limit, unfinished=True)


def course_and_lesson_choices() -> list[tuple[int, str]]:
    """Live, public courses and their lessons as ``(page id, label)``, in the catalog's order
    (each course, then its lessons labelled "Course › Lesson"), for "this is about" selects
    such as the community's ask form. Two queries (pages, view restrictions)."""
    from wagtail.models import Page

    from courses.models import CoursePage, LessonPage

    pages = Page.objects.live().public().type(CoursePage, LessonPage).order_by("path")
    choices: list[tuple[int, str]] = []
    course_titles: dict[str, str] = {}
    for page_id, title, path in pages.values_list("pk", "title", "path"):
        course_title = course_titles.get(path[: -Page.steplen])
        if course_title is None:
            course_titles[path] = title
            choices.append((page_id, title))
        else:
            choices.append((page_id, f"{course_title} › {title}"))
    return choices
