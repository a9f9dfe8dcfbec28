"""Reads of the courses app, each with its joins and a fixed number of queries.

Course progress is counted in SQL (subqueries per course), so a list of courses costs the same
number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject, Left, Length
from django.db.models.lookups import StartsWith

from wagtail.models import Page, PageViewRestriction

from taggit.models import Tag

from courses.models import (
    CourseIndexPage,
    CoursePage,
    CourseTag,
    Enrollment,
    LessonPage,
    LessonProgress,
    LiveSessionPage,
)
from courses.session_selectors import session_annotations


@dataclass(frozen=True)
class CourseProgress:
    """Lessons done out of lessons live, for a progress bar."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.done >= self.total


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated ``SELECT COUNT(*)`` subquery (no GROUP BY), 0 when nothing matches."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _lessons_of_outer_course() -> QuerySet[LessonPage]:
    return LessonPage.objects.live().filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1
    )


def _with_progress(courses: QuerySet, *, member, prefix: str = "") -> QuerySet:
    """Annotate courses (or enrolments, with ``prefix="course__"``) with lesson counts."""
    lessons = LessonPage.objects.live().filter(
        path__startswith=OuterRef(f"{prefix}path"), depth=OuterRef(f"{prefix}depth") + 1
    )
    courses = courses.annotate(lessons_total=_count(lessons))
    if member is not None and member.is_authenticated:
        done = LessonProgress.objects.filter(
            member=member,
            completed_at__isnull=False,
            lesson__live=True,
            lesson__path__startswith=OuterRef(f"{prefix}path"),
            lesson__depth=OuterRef(f"{prefix}depth") + 1,
        )
        courses = courses.annotate(lessons_done=_count(done))
    return courses


def _attach_progress(rows: list) -> list:
    for row in rows:
        row.progress = CourseProgress(done=getattr(row, "lessons_done", 0), total=row.lessons_total)
    return rows


SEARCH_HITS_LIMIT = 200


def _search_matches(*, index_page: CourseIndexPage, q: str) -> Q:
    """Courses whose own fields or whose lessons' text match ``q``: one search query.

    It searches every page below the catalog (courses, lessons) and maps each hit to the
    course it belongs to by path, so a course is found by a lesson edited after the course
    was last indexed.
    """
    hits = (
        Page.objects.live()
        .descendant_of(index_page)
        .search(q, operator="and", order_by_relevance=False)[:SEARCH_HITS_LIMIT]
    )
    course_path_length = (index_page.depth + 1) * Page.steplen
    # Tags are saved after the page (and its indexing), so match a topic's name directly too.
    topic = CourseTag.objects.filter(content_object=OuterRef("pk"), tag__name__iexact=q)
    return Q(path__in={page.path[:course_path_length] for page in hits}) | Q(Exists(topic))


def _has_format(kind: str) -> Exists | Q:
    """A course with a live video lesson ("video"), or a live session of that kind as a child."""
    if kind == "video":
        lessons = _lessons_of_outer_course()
        return Exists(lessons.filter(body__contains=[{"type": "video"}])) | Exists(
            lessons.filter(body__contains=[{"type": "embed_video"}])
        )
    sessions = LiveSessionPage.objects.live().filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1, kind=kind
    )
    return Exists(sessions)


def _catalog_course_tags(*, path) -> QuerySet[CourseTag]:
    """Tags of the live courses directly below the catalog at ``path``, for the current tag."""
    return CourseTag.objects.filter(
        tag=OuterRef("pk"),
        content_object__live=True,
        content_object__path__startswith=path,
        content_object__depth=Length(path) / Page.steplen + 1,
    )


def catalog_topics(*, index_page: CourseIndexPage) -> list[tuple[str, str]]:
    """(slug, name) of the tags on the catalog's live courses, by name.

    From the ``catalog_page()`` annotation when present (no query), else one query.
    """
    rows = getattr(index_page, "topic_rows", None)
    if rows is None:
        rows = (
            Tag.objects.filter(Exists(_catalog_course_tags(path=Value(index_page.path))))
            .order_by("name")
            .values(data=JSONObject(slug="slug", name="name"))
        )
        rows = [row["data"] for row in rows]
    return [(row["slug"], row["name"]) for row in rows]


def catalog_list(
    *, index_page: CourseIndexPage, member=None, filters: dict[str, str] | None = None
) -> list[CoursePage]:
    """Live courses of a catalog, each with ``progress``, ``enrollment_count``, ``is_enrolled``.

    ``filters`` are the catalog form's valid values (q, topic, level, language, format, sort);
    without them, all courses, newest first. Three queries (the courses with their counts,
    their tags, their cover renditions), two more with a search.
    """
    filters = filters or {}
    courses = (
        CoursePage.objects.live()
        .child_of(index_page)
        .select_related("cover_image")
        .prefetch_related(
            "tags",
            Prefetch("cover_image__renditions"),
        )
        .annotate(enrollment_count=_count(Enrollment.objects.filter(course=OuterRef("pk"))))
    )
    if filters.get("q"):
        courses = courses.filter(_search_matches(index_page=index_page, q=filters["q"]))
    if filters.get("topic"):
        courses = courses.filter(
            Exists(
                CourseTag.objects.filter(content_object=OuterRef("pk"), tag__slug=filters["topic"])
            )
        )
    if filters.get("level"):
        courses = courses.filter(level=filters["level"])
    if filters.get("language"):
        courses = courses.filter(language=filters["language"])
    if filters.get("format"):
        courses = courses.filter(_has_format(filters["format"]))
    newest = (F("first_published_at").desc(nulls_last=True), "-pk")
    if filters.get("sort") == "enrolled":
        courses = courses.order_by("-enrollment_count", *newest)
    else:
        courses = courses.order_by(*newest)
    courses = _with_progress(courses, member=member)
    if member is not None and member.is_authenticated:
        courses = courses.annotate(
            is_enrolled=Exists(Enrollment.objects.filter(member=member, course=OuterRef("pk")))
        )
    return _attach_progress(list(courses))


def _restricted() -> Exists:
    """True for a page under a view restriction (its own or an ancestor's), inside its query."""
    return Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def _signed_in(member) -> bool:
    return member is not None and member.is_authenticated


def catalog_page() -> CourseIndexPage | None:
    """The portal's live catalog (there is at most one), for /courses/: one query.

    It comes with ``topic_rows``, the topics for the catalog's filter (see ``catalog_topics``),
    and its upcoming sessions (see ``session_selectors.upcoming_sessions``).
    """
    topics = (
        Tag.objects.filter(Exists(_catalog_course_tags(path=OuterRef(OuterRef("path")))))
        .order_by("name")
        .values(data=JSONObject(slug="slug", name="name"))
    )
    return (
        CourseIndexPage.objects.live()
        .annotate(
            is_restricted=_restricted(),
            topic_rows=ArraySubquery(topics),
            **session_annotations(),
        )
        .first()
    )


def _page_stub(model, row: dict):
    """An unsaved page with just what links need (id, title, url_path, path, depth)."""
    page = model(
        id=row["id"],
        page_ptr_id=row["id"],
        title=row["title"],
        slug=row["slug"],
        url_path=row["url_path"],
        path=row["path"],
        depth=row["depth"],
        live=True,
    )
    page._state.adding = False
    return page


def _page_json(prefix: str = "") -> JSONObject:
    fields = ("id", "title", "slug", "url_path", "path", "depth")
    return JSONObject(**{name: f"{prefix}{name}" for name in fields})


def course_for_route(*, index_page: CourseIndexPage, slug: str, member=None) -> CoursePage | None:
    """The course to serve in one query, with tags, prerequisites, upcoming sessions and the
    member's enrolment."""
    courses = CoursePage.objects.child_of(index_page).filter(slug=slug)
    courses = courses.annotate(
        **session_annotations(),
        is_restricted=_restricted(),
        tag_names=ArraySubquery(
            CourseTag.objects.filter(content_object=OuterRef("pk"))
            .order_by("tag__name")
            .values("tag__name")
        ),
        prerequisite_rows=ArraySubquery(
            CoursePage.objects.live()
            .filter(required_by=OuterRef("pk"))
            .order_by("title")
            .values(data=_page_json())
        ),
    )
    if _signed_in(member):
        mine = Enrollment.objects.filter(member=member, course=OuterRef("pk"))
        courses = courses.annotate(
            enrollment_id=Subquery(mine.values("id")[:1]),
            enrollment_completed_at=Subquery(mine.values("completed_at")[:1]),
        )
    course = courses.first()
    if course is not None:
        course._cached_parent_obj = index_page
    return course


def lesson_for_route(
    *, index_page: CourseIndexPage, slugs: list[str], member=None
) -> LessonPage | None:
    """The lesson at ``<course>/<lesson>/`` and its course, in one query (or None if not live)."""
    course_path_length = (index_page.depth + 1) * Page.steplen
    course_of_lesson = CoursePage.objects.filter(path=Left(OuterRef("path"), course_path_length))
    lessons = LessonPage.objects.filter(
        url_path=f"{index_page.url_path}{slugs[0]}/{slugs[1]}/", depth=index_page.depth + 2
    ).annotate(
        is_restricted=_restricted(),
        course_row=Subquery(course_of_lesson.filter(live=True).values(data=_page_json())[:1]),
    )
    if _signed_in(member):
        mine = Enrollment.objects.filter(
            member=member, course__path=Left(OuterRef("path"), course_path_length)
        )
        lessons = lessons.annotate(
            enrollment_id=Subquery(mine.values("id")[:1]),
            enrollment_completed_at=Subquery(mine.values("completed_at")[:1]),
        )
    lesson = lessons.first()
    if lesson is None or lesson.course_row is None:
        return None
    course = _page_stub(CoursePage, lesson.course_row)
    course._cached_parent_obj = index_page
    for name in ("enrollment_id", "enrollment_completed_at"):
        setattr(course, name, getattr(lesson, name, None))
    lesson._cached_parent_obj = course
    return lesson


@dataclass
class Outline:
    """A course's lessons for the outline, with the member's progress in each."""

    course: CoursePage
    lessons: list[LessonPage]
    enrollment: Enrollment | None
    progress: CourseProgress
    prerequisites: list[CoursePage] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def first_lesson(self) -> LessonPage | None:
        return self.lessons[0] if self.lessons else None

    @property
    def next_lesson(self) -> LessonPage | None:
        """Where "Continue" leads: the first lesson not done yet, else the first one."""
        return next((lesson for lesson in self.lessons if not lesson.is_done), self.first_lesson)

    def find(self, lesson: LessonPage) -> LessonPage | None:
        return next((item for item in self.lessons if item.pk == lesson.pk), None)

    def neighbours(self, lesson: LessonPage) -> tuple[LessonPage | None, LessonPage | None]:
        ids = [item.pk for item in self.lessons]
        if lesson.pk not in ids:
            return None, None
        at = ids.index(lesson.pk)
        previous = self.lessons[at - 1] if at > 0 else None
        following = self.lessons[at + 1] if at + 1 < len(self.lessons) else None
        return previous, following


def _enrollment_of(*, course: CoursePage, member) -> Enrollment | None:
    """The member's enrolment, from the route's annotations when present (no query then)."""
    if not _signed_in(member):
        return None
    if hasattr(course, "enrollment_id"):
        if course.enrollment_id is None:
            return None
        return Enrollment(
            id=course.enrollment_id,
            member=member,
            course_id=course.pk,
            completed_at=course.enrollment_completed_at,
        )
    return Enrollment.objects.filter(member=member, course=course).first()


def course_outline(*, course: CoursePage, member=None, details: bool = False) -> Outline:
    """The course's live lessons in order with the member's progress in each: one query.

    With ``details`` it also gives the course's prerequisites and tags (from the route's
    annotations when present, else two more queries). The enrolment also comes from the
    route's annotations when present.
    """
    lessons = (
        LessonPage.objects.live().child_of(course).defer("body", "transcripts").order_by("path")
    )
    if _signed_in(member):
        mine = LessonProgress.objects.filter(member=member, lesson=OuterRef("pk"))
        lessons = lessons.annotate(
            is_done=Exists(mine.filter(completed_at__isnull=False)),
            position_seconds=Subquery(mine.values("position_seconds")[:1]),
        )
    lessons = list(lessons)
    section = None
    for lesson in lessons:
        lesson._cached_parent_obj = course
        lesson.is_done = getattr(lesson, "is_done", False)
        lesson.starts_section = bool(lesson.section) and lesson.section != section
        section = lesson.section
    outline = Outline(
        course=course,
        lessons=lessons,
        enrollment=_enrollment_of(course=course, member=member),
        progress=CourseProgress(done=sum(lesson.is_done for lesson in lessons), total=len(lessons)),
    )
    if details:
        if hasattr(course, "prerequisite_rows"):
            outline.prerequisites = [
                _page_stub(CoursePage, row) for row in course.prerequisite_rows
            ]
            outline.tags = list(course.tag_names)
        else:
            outline.prerequisites = list(
                course.prerequisites.live().only("id", "title", "url_path", "path", "depth")
            )
            outline.tags = [tag.name for tag in course.tags.all()]
    return outline


def lesson_view(*, lesson: LessonPage, member=None) -> dict:
    """What a lesson page shows: its course's outline, whether the member may read it, progress.

    Anyone may read a preview lesson; other lessons need an enrolled member.
    """
    course = getattr(lesson, "_cached_parent_obj", None)
    if not isinstance(course, CoursePage):
        course = CoursePage.objects.get(path=lesson.path[: -lesson.steplen])
    outline = course_outline(course=course, member=member)
    enrolled = outline.enrollment is not None
    previous, following = outline.neighbours(lesson)
    return {
        "course": course,
        "outline": outline,
        "enrolled": enrolled,
        "can_view": lesson.is_preview or enrolled,
        "current": outline.find(lesson),
        "previous_lesson": previous,
        "next_lesson": following,
    }


def dashboard_for(
    *, member, limit: int | None = None, unfinished: bool = False
) -> list[Enrollment]:
    """The member's enrolments, most recently used first, each with ``progress``: one query.

    ``limit`` keeps the first few; ``unfinished`` leaves out completed courses.
    """
    enrollments = (
        Enrollment.objects.filter(member=member, course__live=True)
        .select_related("course", "last_lesson")
        .order_by(F("last_seen_at").desc(nulls_last=True), "-enrolled_at")
    )
    if unfinished:
        enrollments = enrollments.filter(completed_at__isnull=True)
    enrollments = _with_progress(enrollments, member=member, prefix="course__")
    if limit is not None:
        enrollments = enrollments[:limit]
    return _attach_progress(list(enrollments))
