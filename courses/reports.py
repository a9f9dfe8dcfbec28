"""Reads for the staff's course reports: enrolments, completion, progress, drop-off and survey.

Every figure is counted by the database (correlated subqueries and aggregates), so each
function costs a fixed number of queries whatever the number of courses, lessons, enrolments
or answers. Progress counts the course's live lessons and the lessons its enrolled members
completed; the survey's figures never name the member.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Avg, Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject

from courses.models import CourseFeedback, CoursePage, Enrollment, LessonPage, LessonProgress
from courses.models.feedback import (
    DETRACTOR_MAX,
    PROMOTER_MIN,
    RATING_MAX,
    RATING_MIN,
    RECOMMEND_MAX,
    RECOMMEND_MIN,
)

RATING_FIELDS = [
    ("content_rating", "Content"),
    ("instructor_rating", "Instructor"),
    ("pace_rating", "Pace"),
]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class CourseReport:
    """One course's figures; rates are percentages, None when there is nothing to divide by."""

    course_id: int
    title: str
    live: bool
    path: str
    depth: int
    lessons: int
    enrollments: int
    completions: int
    lessons_done: int
    responses: int
    content: float | None
    instructor: float | None
    pace: float | None
    promoters: int
    detractors: int

    @property
    def completion_rate(self) -> float | None:
        return _percent(self.completions, self.enrollments)

    @property
    def average_progress(self) -> float | None:
        """The share of live lessons done, averaged over enrolments (lessons done over all the
        enrolments' lessons, which is the same average)."""
        return _percent(self.lessons_done, self.lessons * self.enrollments)

    @property
    def nps(self) -> int | None:
        """Net Promoter Score: % answering 9-10 minus % answering 0-6, from -100 to 100."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated ``SELECT COUNT(*)`` subquery, 0 when nothing matches."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _completed_by_enrolled(**lesson_filter) -> QuerySet[LessonProgress]:
    """Completed lesson progress of members enrolled in the outer course."""
    return LessonProgress.objects.filter(
        completed_at__isnull=False,
        member__enrollments__course=OuterRef("pk"),
        **lesson_filter,
    )


def _reports(**extra) -> QuerySet:
    """Every course (drafts too) with its figures (and ``extra`` annotations), as dicts."""
    enrolments = (
        Enrollment.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(
            data=JSONObject(
                enrollments=Count("pk"),
                completions=Count("pk", filter=Q(completed_at__isnull=False)),
            )
        )
        .values("data")
    )
    answers = (
        CourseFeedback.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(
            data=JSONObject(
                responses=Count("pk"),
                content=Avg("content_rating"),
                instructor=Avg("instructor_rating"),
                pace=Avg("pace_rating"),
                promoters=Count("pk", filter=Q(recommend__gte=PROMOTER_MIN)),
                detractors=Count("pk", filter=Q(recommend__lte=DETRACTOR_MAX)),
            )
        )
        .values("data")
    )
    lessons = LessonPage.objects.live().filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1
    )
    done = _completed_by_enrolled(
        lesson__live=True,
        lesson__path__startswith=OuterRef("path"),
        lesson__depth=OuterRef("depth") + 1,
    )
    return (
        CoursePage.objects.annotate(
            lessons=_count(lessons),
            lessons_done=_count(done),
            enrolment_data=Subquery(enrolments[:1]),
            answer_data=Subquery(answers[:1]),
            **extra,
        )
        .order_by("title", "pk")
        .values(
            "pk", "title", "live", "path", "depth", "lessons", "lessons_done", "enrolment_data",
            "answer_data", *extra,
        )
    )  # fmt: skip


def _report(row: dict) -> CourseReport:
    enrolments = row["enrolment_data"] or {}
    answers = row["answer_data"] or {}

    def average(name: str) -> float | None:
        value = answers.get(name)
        return round(float(value), 2) if value is not None else None

    return CourseReport(
        course_id=row["pk"],
        title=row["title"],
        live=row["live"],
        path=row["path"],
        depth=row["depth"],
        lessons=row["lessons"],
        enrollments=enrolments.get("enrollments", 0),
        completions=enrolments.get("completions", 0),
        lessons_done=row["lessons_done"],
        responses=answers.get("responses", 0),
        content=average("content"),
        instructor=average("instructor"),
        pace=average("pace"),
        promoters=answers.get("promoters", 0),
        detractors=answers.get("detractors", 0),
    )


def course_reports() -> list[CourseReport]:
    """One row per course of the portal, by title: one query."""
    return [_report(row) for row in _reports()]


def course_report(*, course_id: int) -> CourseReport | None:
    """One course's row, or None when the portal has no such course: one query."""
    row = _reports().filter(pk=course_id).first()
    return _report(row) if row is not None else None


@dataclass(frozen=True)
class LessonDropoff:
    """How many enrolled members started and completed a lesson, and their share of enrolments."""

    lesson_id: int
    title: str
    started: int
    completed: int
    enrollments: int

    @property
    def started_percent(self) -> float | None:
        return _percent(self.started, self.enrollments)

    @property
    def completed_percent(self) -> float | None:
        return _percent(self.completed, self.enrollments)


@dataclass(frozen=True)
class Distribution:
    """How many answers gave each score to one question."""

    label: str
    counts: list[tuple[int, int]]  # (score, answers)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def average(self) -> float | None:
        if not self.total:
            return None
        return round(sum(score * count for score, count in self.counts) / self.total, 2)


@dataclass(frozen=True)
class CourseDetail:
    """A course's figures, its drop-off per lesson, the spread of its answers, its comments."""

    report: CourseReport
    lessons: list[LessonDropoff]
    distributions: list[Distribution]  # content, instructor, pace, then likely to recommend
    comments: int  # answers with a comment


QUESTIONS = [
    *((field, label, range(RATING_MIN, RATING_MAX + 1)) for field, label in RATING_FIELDS),
    ("recommend", "Likely to recommend", range(RECOMMEND_MIN, RECOMMEND_MAX + 1)),
]


def _lesson_rows() -> ArraySubquery:
    """The outer course's live lessons in order, with the starts and completions of its
    enrolled members (a member started a lesson once they have progress in it)."""
    progress = LessonProgress.objects.filter(
        lesson=OuterRef("pk"), member__enrollments__course=OuterRef(OuterRef("pk"))
    )
    lessons = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by("path")
        .annotate(
            started=_count(progress),
            completed=_count(progress.filter(completed_at__isnull=False)),
        )
    )
    return ArraySubquery(
        lessons.values(
            data=JSONObject(pk="pk", title="title", started="started", completed="completed")
        )
    )


def _score_counts() -> Subquery:
    """Answers per score of each question about the outer course, as one JSON object."""
    counts = {
        f"{field}_{score}": Count("pk", filter=Q(**{field: score}))
        for field, _, scores in QUESTIONS
        for score in scores
    }
    answers = (
        CourseFeedback.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(data=JSONObject(**counts))
        .values("data")
    )
    return Subquery(answers[:1])


def course_detail(*, course_id: int) -> CourseDetail | None:
    """A course's figures with its lessons' drop-off and its answers' spread: one query.

    None when the portal has no such course.
    """
    row = (
        _reports(
            lesson_rows=_lesson_rows(),
            score_counts=_score_counts(),
            comment_count=_count(
                CourseFeedback.objects.filter(course=OuterRef("pk")).exclude(comment="")
            ),
        )
        .filter(pk=course_id)
        .first()
    )
    if row is None:
        return None
    report = _report(row)
    counts = row["score_counts"] or {}
    return CourseDetail(
        report=report,
        lessons=[
            LessonDropoff(
                lesson_id=lesson["pk"],
                title=lesson["title"],
                started=lesson["started"],
                completed=lesson["completed"],
                enrollments=report.enrollments,
            )
            for lesson in row["lesson_rows"]
        ],
        distributions=[
            Distribution(
                label=label,
                counts=[(score, counts.get(f"{field}_{score}", 0)) for score in scores],
            )
            for field, label, scores in QUESTIONS
        ],
        comments=row["comment_count"],
    )


def latest_comments(*, course_id: int) -> QuerySet[CourseFeedback]:
    """Answers with a comment, newest first (to paginate)."""
    return (
        CourseFeedback.objects.filter(course_id=course_id)
        .exclude(comment="")
        .order_by("-updated_at", "-pk")
    )


def responses_for_export(*, course_id: int) -> QuerySet[CourseFeedback]:
    """Every answer about the course, oldest first, without the member: one query, streamed."""
    return (
        CourseFeedback.objects.filter(course_id=course_id)
        .order_by("created_at", "pk")
        .values(
            "created_at",
            "updated_at",
            "content_rating",
            "instructor_rating",
            "pace_rating",
            "recommend",
            "comment",
        )
    )
