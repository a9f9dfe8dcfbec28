"""Reads of moderation: the queue of flagged posts, suspensions, the log and a member's record.

Every read here costs a fixed number of queries whatever the number of flags, posts or members
on the page (asserted in ``tests/community/test_moderation_admin.py``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from community.models import (
    Answer,
    Comment,
    Flag,
    ModerationAction,
    Question,
    Suspension,
)

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50
SUSPENSIONS_PAGE_SIZE = 50
EXCERPT_CHARS = 240
MEMBER_HISTORY_LIMIT = 100


def excerpt(body_html: str, *, chars: int = EXCERPT_CHARS) -> str:
    """Plain text of a post's sanitised HTML, cut at ``chars`` (templates escape it)."""
    text = " ".join(html.unescape(strip_tags(body_html or "")).split())
    return Truncator(text).chars(chars)


@dataclass
class QueueItem:
    """One flagged post in the queue with its open flags."""

    kind: str
    post: Question | Answer | Comment
    question: Question
    first_flagged_at: datetime
    reason_counts: list[tuple[str, int]]
    author_history: int
    flags: list[Flag] = field(default_factory=list)

    @property
    def author(self):
        return self.post.author

    @property
    def flag_ids(self) -> str:
        return ",".join(str(flag.pk) for flag in self.flags)

    @property
    def excerpt(self) -> str:
        return excerpt(self.post.body_html)

    @property
    def url(self) -> str:
        return post_url(self.post)

    @property
    def notes(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.note]


def _grouped_open_flags() -> QuerySet:
    reasons = {f"n_{value}": Count("pk", filter=Q(reason=value)) for value in Flag.Reason.values}
    return (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("question_id", "answer_id", "comment_id")
        .annotate(first_at=Min("created_at"), total=Count("pk"), **reasons)
        .order_by("first_at", "question_id", "answer_id", "comment_id")
    )


@dataclass
class QueuePage:
    """A page of the queue: its items, and whether pages come before and after it."""

    items: list[QueueItem]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def moderation_queue(*, page_number: int | str = 1) -> QueuePage:
    """Open flags grouped by post, the longest-waiting post first, a page of ``QueueItem``.

    Two queries whatever the number of flags: the page of posts (grouped flags with their
    counts per reason, one row more than the page to know whether another page follows), then
    the open flags of those posts with their reporters, the posts, their authors and parents,
    and each author's count of earlier moderator actions (a subquery).
    """
    number = int(page_number) if str(page_number).isdigit() and int(page_number) > 0 else 1
    start = (number - 1) * QUEUE_PAGE_SIZE
    groups = list(_grouped_open_flags()[start : start + QUEUE_PAGE_SIZE + 1])
    has_next = len(groups) > QUEUE_PAGE_SIZE
    groups = groups[:QUEUE_PAGE_SIZE]
    if not groups:
        return QueuePage(items=[], number=number, has_next=False)
    matching = Q()
    for kind in _KINDS:
        ids = [group[f"{kind}_id"] for group in groups if group[f"{kind}_id"]]
        if ids:
            matching |= Q(**{f"{kind}_id__in": ids})
    history = (
        ModerationAction.objects.filter(member_id=OuterRef("post_author"))
        .order_by()
        .values("member_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    flags = (
        Flag.objects.filter(matching, status=Flag.Status.OPEN)
        .select_related(
            "reporter",
            "question__author",
            "answer__author",
            "answer__question",
            "comment__author",
            "comment__question",
            "comment__answer__question",
        )
        .annotate(
            post_author=Coalesce("question__author_id", "answer__author_id", "comment__author_id")
        )
        .annotate(author_history=Coalesce(Subquery(history), 0))
    )
    by_post: dict[tuple[str, int], list[Flag]] = {}
    for flag in flags:
        kind = _kind_of(flag)
        by_post.setdefault((kind, getattr(flag, f"{kind}_id")), []).append(flag)
    items = []
    for group in groups:
        kind = next(kind for kind in _KINDS if group[f"{kind}_id"])
        post_flags = by_post.get((kind, group[f"{kind}_id"]))
        if not post_flags:  # resolved between the two reads
            continue
        post = getattr(post_flags[0], kind)
        items.append(
            QueueItem(
                kind=kind,
                post=post,
                question=question_of(post),
                first_flagged_at=group["first_at"],
                reason_counts=[
                    (label, group[f"n_{value}"])
                    for value, label in Flag.Reason.choices
                    if group[f"n_{value}"]
                ],
                author_history=post_flags[0].author_history,
                flags=post_flags,
            )
        )
    return QueuePage(items=items, number=number, has_next=has_next)


_KINDS = ("question", "answer", "comment")


def _kind_of(row) -> str:
    return next(kind for kind in _KINDS if getattr(row, f"{kind}_id"))


def question_of(post) -> Question:
    """The question a post is, or belongs to (load parents with ``select_related``)."""
    if isinstance(post, Question):
        return post
    if isinstance(post, Answer):
        return post.question
    return post.question if post.question_id else post.answer.question


def post_url(post) -> str:
    """The public address of a question, an answer or a comment, with its anchor."""
    question_url = question_of(post).get_absolute_url()
    if isinstance(post, Question):
        return question_url
    return f"{question_url}#{type(post)._meta.model_name}-{post.pk}"


def open_flag_count() -> int:
    """How many posts wait in the queue (for the menu badge and headings): one query."""
    return _grouped_open_flags().count()


def moderation_log(*, page_number: int | str = 1, action: str = "") -> Page:
    """Every moderator action, newest first, a page at a time: two queries."""
    actions = ModerationAction.objects.select_related(
        "moderator", "member", "question", "answer__question", "comment__question",
        "comment__answer__question",
    )  # fmt: skip
    if action in ModerationAction.Action.values:
        actions = actions.filter(action=action)
    return Paginator(actions, LOG_PAGE_SIZE).get_page(page_number)


def suspensions_for_staff(*, page_number: int | str = 1, current: bool = True) -> Page:
    """Suspensions in force now (or all of them), newest first: two queries."""
    suspensions = Suspension.objects.select_related("member", "created_by", "lifted_by")
    if current:
        now = timezone.now()
        suspensions = suspensions.filter(lifted_at__isnull=True, starts_at__lte=now).exclude(
            ends_at__lte=now
        )
    return Paginator(suspensions, SUSPENSIONS_PAGE_SIZE).get_page(page_number)


def suspension_in_force(suspension: Suspension, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        suspension.lifted_at is None
        and suspension.starts_at <= now
        and (suspension.ends_at is None or suspension.ends_at > now)
    )


@dataclass
class MemberRecord:
    """What moderators see about one member."""

    member: object
    suspensions: list[Suspension]
    actions: list[ModerationAction]
    active_suspension: Suspension | None

    @property
    def warnings(self) -> list[ModerationAction]:
        """The warnings, from the log (its reason is the warning's text)."""
        return [a for a in self.actions if a.action == ModerationAction.Action.WARN]


def member_for_moderation(*, member_id: int):
    """The member with counts of their hidden posts and of open flags on their posts (one
    query, as ``hidden_posts`` and ``open_flags_on_posts``), or None."""
    from django.contrib.auth import get_user_model

    def count(model, **filters):
        rows = (
            model.objects.filter(author=OuterRef("pk"), **filters)
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows), 0)

    def flags_on(kind: str):
        rows = (
            Flag.objects.filter(status=Flag.Status.OPEN, **{f"{kind}__author": OuterRef("pk")})
            .order_by()
            .values(f"{kind}__author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows), 0)

    return (
        get_user_model()
        .objects.annotate(
            hidden_posts=count(Question, hidden_at__isnull=False)
            + count(Answer, hidden_at__isnull=False)
            + count(Comment, hidden_at__isnull=False),
            open_flags_on_posts=flags_on("question") + flags_on("answer") + flags_on("comment"),
        )
        .filter(pk=member_id)
        .first()
    )


def member_record(*, member) -> MemberRecord:
    """A member's suspensions and the moderation history about them (warnings included):
    two queries; their counts come with ``member_for_moderation``."""
    now = timezone.now()
    suspensions = list(
        Suspension.objects.filter(member=member).select_related("created_by", "lifted_by")
    )
    active = next((s for s in suspensions if suspension_in_force(s, now=now)), None)
    actions = list(
        ModerationAction.objects.filter(member=member).select_related(
            "moderator",
            "question",
            "answer__question",
            "comment__question",
            "comment__answer__question",
        )[:MEMBER_HISTORY_LIMIT]
    )
    return MemberRecord(
        member=member, suspensions=suspensions, actions=actions, active_suspension=active
    )


def action_target(action: ModerationAction):
    """The post a log row is about (question, answer or comment), or None."""
    return action.question or action.answer or action.comment
