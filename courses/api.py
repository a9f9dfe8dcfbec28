"""What other apps may ask the courses app (certification reads completion as a prerequisite;
the portal's home page shows where a member left off; the community recommends courses for a
member's stated interests)."""

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


def recommendable_course_rows(*, member, course_ids, topic_slugs):
    """Live, unrestricted courses the member has not enrolled in (nor so completed) that are
    in ``course_ids`` or carry a topic whose slug is in ``topic_slugs`` (both may be lists or
    subqueries of ids and slugs), newest first, as ``{"data": {...}}`` rows of JSON: fit to
    slice and nest in another query with ``ArraySubquery`` (the community's recommendations
    cost one query that way). Turn each ``data`` into a page with ``course_from_row``.
    """
    from django.db.models import Exists, F, OuterRef, Q
    from django.db.models.functions import JSONObject

    from courses.models import CoursePage, CourseTag
    from courses.selectors import _restricted

    topical = CourseTag.objects.filter(content_object=OuterRef("pk"), tag__slug__in=topic_slugs)
    enrolled = Enrollment.objects.filter(member_id=member.pk, course=OuterRef("pk"))
    fields = ("id", "title", "slug", "url_path", "path", "depth", "summary", "level")
    return (
        CoursePage.objects.live()
        .filter(Q(pk__in=course_ids) | Q(Exists(topical)))
        .exclude(Exists(enrolled))
        .exclude(_restricted())
        .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
        .values(data=JSONObject(**{name: name for name in fields}))
    )


def course_from_row(row: dict):
    """A course page from a ``recommendable_course_rows`` row: enough for ``{% pageurl %}``,
    its title, summary and level, without loading the page."""
    from courses.models import CoursePage
    from courses.selectors import _page_stub

    course = _page_stub(CoursePage, row)
    course.summary = row.get("summary", "")
    course.level = row.get("level", "")
    return course
