"""Reads of members' stated interests: the choices, a member's own, and what they lead to, the
recommendations on the member's home page ("My learning").

Interests are community tags (topics) and product areas (products). A product area counts as
the topic with the same slug, so a member interested in the "Networking" product also hears
about questions tagged ``networking`` and courses with that topic. Recommended are:

- courses tied to the member's tags (``Tag.course``) or carrying one of their topics, live and
  unrestricted, that they have not enrolled in (which covers completed), newest first;
- unanswered questions in their topics: visible, open, no answer yet, not their own, newest
  first, with a "Can you help?" link for everyone (the question page itself says who may answer).

``recommendations_for`` costs one query, whatever the numbers of interests, courses and
questions: the lists are nested in the member's interests row with ``ArraySubquery``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import JSONObject

from community.models import MemberInterests, ProductArea, Question, Tag
from courses import api as courses_api

COURSES_SHOWN = 4
QUESTIONS_SHOWN = 5

_TagChoice = MemberInterests.tags.through
_AreaChoice = MemberInterests.areas.through


@dataclass(frozen=True)
class InterestChoices:
    """What a member may choose from: every tag and every product area."""

    tags: list[Tag]
    areas: list[ProductArea]


@dataclass(frozen=True)
class MemberInterestIds:
    tag_ids: frozenset[int] = frozenset()
    area_ids: frozenset[int] = frozenset()
    updated_at: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (self.tag_ids or self.area_ids)


@dataclass(frozen=True)
class QuestionSuggestion:
    pk: int
    title: str
    created_at: datetime
    tags: list[str]


@dataclass(frozen=True)
class Recommendations:
    """The member's home page recommendations; ``has_interests`` False means "ask them"."""

    has_interests: bool = False
    courses: list = field(default_factory=list)
    questions: list[QuestionSuggestion] = field(default_factory=list)


def interest_choices() -> InterestChoices:
    """Every tag (by name) and product area (in their order): two queries."""
    return InterestChoices(
        tags=list(Tag.objects.only("name", "slug", "description").order_by("name")),
        areas=list(ProductArea.objects.only("name", "slug", "description", "position")),
    )


def interests_of(*, member) -> MemberInterestIds:
    """The ids of the tags and product areas the member chose: one query (none for visitors)."""
    if member is None or not member.is_authenticated:
        return MemberInterestIds()
    row = (
        MemberInterests.objects.filter(member_id=member.pk)
        .annotate(
            tag_ids=ArraySubquery(
                _TagChoice.objects.filter(memberinterests_id=OuterRef("pk")).values("tag_id")
            ),
            area_ids=ArraySubquery(
                _AreaChoice.objects.filter(memberinterests_id=OuterRef("pk")).values(
                    "productarea_id"
                )
            ),
        )
        .values("tag_ids", "area_ids", "updated_at")
        .first()
    )
    if row is None:
        return MemberInterestIds()
    return MemberInterestIds(
        tag_ids=frozenset(row["tag_ids"]),
        area_ids=frozenset(row["area_ids"]),
        updated_at=row["updated_at"],
    )


def _topics(member_id: int):
    """Subqueries of the member's topics: the ids of their tags (chosen, or named like a chosen
    product area), the slugs of their topics (chosen tags and chosen areas, for courses' own
    topics), and the courses tied to their tags. Uncorrelated, so they nest anywhere."""
    chosen = _TagChoice.objects.filter(memberinterests__member_id=member_id)
    area_slugs = _AreaChoice.objects.filter(memberinterests__member_id=member_id).values(
        "productarea__slug"
    )
    tags = Tag.objects.filter(Q(pk__in=chosen.values("tag_id")) | Q(slug__in=area_slugs))
    topic_slugs = chosen.values("tag__slug").union(area_slugs)
    return tags.values("pk"), topic_slugs, tags.exclude(course=None).values("course_id")


def _question_rows(*, member_id: int, tag_ids):
    in_topics = Question.tags.through.objects.filter(question_id=OuterRef("pk"), tag_id__in=tag_ids)
    tag_names = ArraySubquery(
        Tag.objects.filter(questions=OuterRef("pk")).order_by("name").values("name")
    )
    return (
        Question.objects.filter(hidden_at__isnull=True, closed_at__isnull=True, answer_count=0)
        .exclude(author_id=member_id)
        .filter(Exists(in_topics))
        .order_by("-created_at", "-pk")
        .values(data=JSONObject(pk="pk", title="title", created_at="created_at", tags=tag_names))
    )


def _question(row: dict[str, Any]) -> QuestionSuggestion:
    return QuestionSuggestion(
        pk=row["pk"],
        title=row["title"],
        created_at=datetime.fromisoformat(row["created_at"]),
        tags=[name for name in row["tags"] or [] if name],
    )


def recommendations_for(
    *, member, courses: int = COURSES_SHOWN, questions: int = QUESTIONS_SHOWN
) -> Recommendations:
    """Courses and unanswered questions for the member's interests: one query (none for a
    visitor). ``has_interests`` is False until they chose at least one tag or product area."""
    if member is None or not member.is_authenticated:
        return Recommendations()
    tag_ids, topic_slugs, course_ids = _topics(member.pk)
    course_rows = courses_api.recommendable_course_rows(
        member=member, course_ids=course_ids, topic_slugs=topic_slugs
    )
    row = (
        MemberInterests.objects.filter(member_id=member.pk)
        .annotate(
            has_tags=Exists(_TagChoice.objects.filter(memberinterests_id=OuterRef("pk"))),
            has_areas=Exists(_AreaChoice.objects.filter(memberinterests_id=OuterRef("pk"))),
            course_rows=ArraySubquery(course_rows[:courses]),
            question_rows=ArraySubquery(
                _question_rows(member_id=member.pk, tag_ids=tag_ids)[:questions]
            ),
        )
        .values("has_tags", "has_areas", "course_rows", "question_rows")
        .first()
    )
    if row is None or not (row["has_tags"] or row["has_areas"]):
        return Recommendations()
    return Recommendations(
        has_interests=True,
        courses=[courses_api.course_from_row(data) for data in row["course_rows"]],
        questions=[_question(data) for data in row["question_rows"]],
    )


def interests_for_export(user) -> dict[str, Any]:
    """The member's stated interests for their data export: names, and when last changed."""
    interests = MemberInterests.objects.filter(member_id=user.pk).first()
    if interests is None:
        return {"topics": [], "products": [], "updated_at": None}
    return {
        "topics": sorted(interests.tags.values_list("name", flat=True)),
        "products": list(interests.areas.values_list("name", flat=True)),
        "updated_at": interests.updated_at,
    }
