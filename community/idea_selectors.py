"""Reads of ideas and complaints: the public list with its filters, an item's page, the staff's
"Ideas to answer" list and the response and resolution times per product area.

Query budget: the list is one query whatever its length (the page of rows with their authors
and areas, and the total as a scalar subquery: ``list_selectors.page_of``) plus one for the
product areas of the filter. An item's page is one query whatever the number of comments and
status changes: the item with its author, area and merge target, the viewer's vote, follow
and (for staff) ``community.manage_ideas``, and its comments, status history and the items
merged into it packed as JSON. Hidden items are never listed and are ``None`` here for anyone
but the staff who manage ideas; merged duplicates leave the list (their page stays).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject, Left, TruncWeek
from django.utils.html import strip_tags

from community.idea_permissions import MANAGE_PERMISSION, remember_manages_ideas
from community.list_selectors import page_of
from community.models import (
    Idea,
    IdeaComment,
    IdeaFollow,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    ProductArea,
)
from community.post_selectors import member_from_json, when_from_json
from community.report_selectors import Hours, Median
from portal.accounts.api import PublicProfile, public_profile

PER_PAGE = 20
STAFF_PER_PAGE = 50
EXCERPT_LENGTH = 180
SORTS = {
    "top": ("Top", ("-score", "-created_at", "-pk")),
    "newest": ("Newest", ("-created_at", "-pk")),
    "updated": ("Recently updated", ("-last_activity_at", "-pk")),
}
DEFAULT_SORT = "top"


@dataclass(frozen=True)
class IdeaFilters:
    """The list's filters and sort, each a known value or "" (all)."""

    kind: str = ""
    status: str = ""
    area: str = ""  # a product area's slug
    sort: str = DEFAULT_SORT

    def query_string(self, **changes: str) -> str:
        """These filters as GET parameters (without the defaults), with ``changes``."""
        values = {"kind": self.kind, "status": self.status, "area": self.area, "sort": self.sort}
        values.update(changes)
        if values["sort"] == DEFAULT_SORT:
            values["sort"] = ""
        return urlencode({key: value for key, value in values.items() if value})

    @property
    def any(self) -> bool:
        return bool(self.kind or self.status or self.area)


def filters_normalise(
    *, kind: str | None = None, status: str | None = None, area: str | None = None, sort=None
) -> IdeaFilters:
    """Known values only: an unknown kind, status or sort means "all" (or the default sort);
    an area is a slug, checked by the list itself."""
    area = (area or "")[:60]
    return IdeaFilters(
        kind=kind if kind in Idea.Kind.values else "",
        status=status if status in IdeaStatus.values else "",
        area=area if re.fullmatch(r"[-a-zA-Z0-9_]+", area) else "",
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


@dataclass(frozen=True)
class IdeaRow:
    """One item in a list, with everything its row shows and no further query."""

    idea: Idea
    author: PublicProfile
    excerpt: str

    @property
    def updated(self) -> bool:
        """Whether anything happened since it was submitted (worth an "updated" date)."""
        return (self.idea.last_activity_at - self.idea.created_at).total_seconds() > 60


@dataclass
class IdeaList:
    rows: list[IdeaRow]
    page: Page
    filters: IdeaFilters

    @property
    def total(self) -> int:
        return self.page.paginator.count


def visible_ideas() -> QuerySet[Idea]:
    """Items anyone may see: not hidden by the staff (merged ones included)."""
    return Idea.objects.filter(hidden_at__isnull=True)


def product_areas() -> list[ProductArea]:
    """Every product area, in the staff's order: one query."""
    return list(ProductArea.objects.order_by("position", "name"))


def _excerpt(body_html: str) -> str:
    cut = body_html.rsplit("<", 1)[0] if body_html.rfind("<") > body_html.rfind(">") else body_html
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(cut))).strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


def _rows_queryset(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    return (
        ideas.select_related("author", "area")
        .defer("body_md", "body_html", "explanation_md", "explanation_html")
        .annotate(excerpt_html=Left("body_html", EXCERPT_LENGTH * 3))
    )


def idea_list(*, filters: IdeaFilters, page: object = 1, per_page: int = PER_PAGE) -> IdeaList:
    """A page of the visible items that are not merged duplicates, filtered by kind, status
    and product area (slug), sorted top, newest or recently updated: one query."""
    ideas = visible_ideas().filter(merged_into__isnull=True)
    if filters.kind:
        ideas = ideas.filter(kind=filters.kind)
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.area:
        ideas = ideas.filter(area__slug=filters.area)
    ideas = _rows_queryset(ideas).order_by(*SORTS[filters.sort][1])
    pager = page_of(ideas, page=page, per_page=per_page)
    rows = [
        IdeaRow(
            idea=idea,
            author=public_profile(idea.author),
            excerpt=_excerpt(getattr(idea, "excerpt_html", "") or ""),
        )
        for idea in pager.object_list
    ]
    return IdeaList(rows=rows, page=pager, filters=filters)


def ideas_to_answer(*, page: object = 1, per_page: int = STAFF_PER_PAGE) -> Page:
    """Visible items, not merged, that no staff member has answered yet (no staff comment,
    status change or merge), the longest waiting first: one query."""
    ideas = visible_ideas().filter(merged_into__isnull=True, first_staff_response_at__isnull=True)
    return page_of(_rows_queryset(ideas).order_by("created_at", "pk"), page=page, per_page=per_page)


def similar_ideas(*, title: str, limit: int = 5) -> list[Idea]:
    """Visible, unmerged items whose titles share words with ``title`` (at least two words of
    four letters or more are needed), the most shared words first: one query."""
    words = sorted({w.casefold() for w in re.findall(r"[^\W_]{4,}", title or "")})[:8]
    if len(words) < 2:
        return []
    matches = Q()
    shared = Value(0, output_field=IntegerField())
    for word in words:
        matches |= Q(title__icontains=word)
        shared = shared + Case(When(title__icontains=word, then=Value(1)), default=Value(0))
    ideas = (
        visible_ideas()
        .filter(merged_into__isnull=True)
        .filter(matches)
        .annotate(shared=shared)
        .only("title", "status", "kind", "score")
        .order_by("-shared", "-score", "-pk")
    )
    return list(ideas[:limit])


# An item's page --------------------------------------------------------------------------------

_MEMBER_FIELDS = ("id", "display_name", "avatar", "bio", "country", "languages", "time_zone")


def _member_json(prefix: str) -> JSONObject:
    return JSONObject(**{name: f"{prefix}__{name}" for name in _MEMBER_FIELDS})


def _member(data: dict | None):
    return member_from_json(data) if data else None


_when = when_from_json


def _comments_json() -> ArraySubquery:
    comments = (
        IdeaComment.objects.filter(idea_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(
            json=JSONObject(
                id="id",
                body_html="body_html",
                by_staff="by_staff",
                created_at="created_at",
                hidden_at="hidden_at",
                author=_member_json("author"),
            )
        )
    )
    return ArraySubquery(comments)


def _history_json() -> ArraySubquery:
    changes = (
        IdeaStatusChange.objects.filter(idea_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(
            json=JSONObject(
                id="id",
                old_status="old_status",
                new_status="new_status",
                explanation_html="explanation_html",
                created_at="created_at",
                changed_by=_member_json("changed_by"),
            )
        )
    )
    return ArraySubquery(changes)


def _merged_json() -> ArraySubquery:
    merged = (
        Idea.objects.filter(merged_into_id=OuterRef("pk"), hidden_at__isnull=True)
        .order_by("merged_at", "pk")
        .values(json=JSONObject(id="id", title="title", merged_at="merged_at"))
    )
    return ArraySubquery(merged)


def _viewer_vote(viewer):
    if viewer is None or not viewer.is_authenticated:
        return Value(0, output_field=IntegerField())
    votes = IdeaVote.objects.filter(member_id=viewer.pk, idea_id=OuterRef("pk")).values("value")
    return Coalesce(Subquery(votes[:1], output_field=IntegerField()), Value(0))


def _viewer_following(viewer):
    if viewer is None or not viewer.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(IdeaFollow.objects.filter(member_id=viewer.pk, idea_id=OuterRef("pk")))


def _viewer_manages(viewer):
    """Whether the viewer holds ``community.manage_ideas`` (asked only of non-superuser staff;
    ``idea_permissions.can_manage_ideas`` decides the rest without the database)."""
    if viewer is None or not viewer.is_authenticated:
        return Value(False, output_field=BooleanField())
    if viewer.is_superuser or not viewer.is_staff or not viewer.is_active:
        return Value(viewer.is_superuser and viewer.is_active, output_field=BooleanField())
    held = Permission.objects.filter(
        codename=MANAGE_PERMISSION, content_type__app_label="community"
    ).filter(Q(user=viewer.pk) | Q(group__user=viewer.pk))
    return Exists(held)


@dataclass
class IdeaPage:
    """An item's page: the item (``author``, ``area`` and ``merged_into`` loaded;
    ``viewer_vote`` 1, -1 or 0; ``viewer_following``), its comments (hidden ones only for
    managers, marked), its status history (oldest first) and the items merged into it.
    The item, each comment and each change carry ``author_profile``/``changed_by_profile``
    (``portal.accounts.api.public_profile``: names, never e-mails)."""

    idea: Idea
    comments: list[IdeaComment]
    history: list[IdeaStatusChange]
    merged: list[Idea]
    viewer_manages: bool

    @property
    def explanation_change(self) -> IdeaStatusChange | None:
        """The status change whose explanation is the current one (for its date and author)."""
        return self.history[-1] if self.history and self.idea.explanation_html else None


def idea_page(*, idea_id: int, viewer) -> IdeaPage | None:
    """The item ``idea_id`` with everything its page shows, or None when it does not exist
    or is hidden from ``viewer``. One query whatever the number of comments and changes."""
    idea = (
        Idea.objects.select_related("author", "area", "merged_into")
        .annotate(
            viewer_vote=_viewer_vote(viewer),
            viewer_following=_viewer_following(viewer),
            viewer_manages=_viewer_manages(viewer),
            comments_json=_comments_json(),
            history_json=_history_json(),
            merged_json=_merged_json(),
        )
        .filter(pk=idea_id)
        .first()
    )
    if idea is None:
        return None
    manages = bool(idea.viewer_manages)
    remember_manages_ideas(member=viewer, manages=manages)
    if idea.hidden_at is not None and not manages:
        return None
    comments = []
    for data in idea.comments_json or []:
        if data["hidden_at"] and not manages:
            continue
        comment = IdeaComment(
            id=data["id"],
            idea_id=idea.pk,
            author_id=data["author"]["id"],
            body_html=data["body_html"],
            by_staff=data["by_staff"],
            created_at=_when(data["created_at"]),
            hidden_at=_when(data["hidden_at"]),
        )
        comment.author = _member(data["author"])
        comment.author_profile = public_profile(comment.author)
        comments.append(comment)
    history = []
    for data in idea.history_json or []:
        change = IdeaStatusChange(
            id=data["id"],
            idea_id=idea.pk,
            old_status=data["old_status"],
            new_status=data["new_status"],
            explanation_html=data["explanation_html"],
            created_at=_when(data["created_at"]),
            changed_by_id=data["changed_by"]["id"],
        )
        change.changed_by = _member(data["changed_by"])
        change.changed_by_profile = public_profile(change.changed_by)
        history.append(change)
    idea.author_profile = public_profile(idea.author)
    merged = [
        Idea(id=data["id"], title=data["title"], merged_at=_when(data["merged_at"]))
        for data in idea.merged_json or []
    ]
    return IdeaPage(
        idea=idea, comments=comments, history=history, merged=merged, viewer_manages=manages
    )


# Response and resolution times (for the staff dashboard) ---------------------------------------


@dataclass(frozen=True)
class AreaTimes:
    """Response and resolution figures of the items submitted in a period: per product area,
    or for all of them (``area`` None). Hours are None when there is nothing to measure."""

    label: str
    submitted: int
    responded: int
    median_response_hours: float | None
    resolved: int
    median_resolution_hours: float | None
    area: ProductArea | None = None
    slug: str = ""


def _time_figures(prefix: str = "", condition: Q | None = None) -> dict:
    """The figures, over items (``prefix`` "") or over the items of another model's rows
    (``prefix`` "ideas__"), counting only those matching ``condition``."""
    count = f"{prefix}pk"
    created = F(f"{prefix}created_at")
    condition = condition or Q()
    responded = Q(**{f"{prefix}first_staff_response_at__isnull": False})
    resolved = Q(**{f"{prefix}resolved_at__isnull": False})
    return {
        "submitted": Count(count, filter=condition),
        "responded": Count(count, filter=condition & responded),
        "median_response_hours": Median(
            Hours(F(f"{prefix}first_staff_response_at"), created), filter=condition or None
        ),
        "resolved": Count(count, filter=condition & resolved),
        "median_resolution_hours": Median(
            Hours(F(f"{prefix}resolved_at"), created), filter=condition or None
        ),
    }


FIGURES = ("submitted", "responded", "median_response_hours", "resolved", "median_resolution_hours")


def _measured_q(prefix: str, since: datetime | None, until: datetime | None) -> Q:
    """Items that count: visible ones, merged duplicates left out (their answer is the
    target's), submitted in [since, until). ``prefix`` reaches them from another model."""
    condition = Q(**{f"{prefix}hidden_at__isnull": True, f"{prefix}merged_into__isnull": True})
    if since is not None:
        condition &= Q(**{f"{prefix}created_at__gte": since})
    if until is not None:
        condition &= Q(**{f"{prefix}created_at__lt": until})
    return condition


def idea_times_by_area(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[AreaTimes]:
    """Time to the first staff response and to resolution (medians, hours) of the items
    submitted in [since, until), per product area (every area, in the staff's order, even
    without items): one query."""
    figures = _time_figures("ideas__", _measured_q("ideas__", since, until))
    areas = ProductArea.objects.order_by("position", "name").annotate(**figures)
    return [
        AreaTimes(
            label=area.name,
            area=area,
            slug=area.slug,
            **{name: getattr(area, name) for name in FIGURES},
        )
        for area in areas
    ]


def idea_times(
    *, since: datetime | None = None, until: datetime | None = None
) -> tuple[AreaTimes, list[AreaTimes]]:
    """The same figures for all areas together, and per area: two queries."""
    ideas = Idea.objects.filter(_measured_q("", since, until))
    total = AreaTimes(label="All product areas", **ideas.aggregate(**_time_figures()))
    return total, idea_times_by_area(since=since, until=until)


@dataclass(frozen=True)
class WeekTimes:
    """The items submitted in one week (starting Monday) and how they were answered."""

    week: datetime
    submitted: int
    responded: int
    median_response_hours: float | None
    resolved: int
    median_resolution_hours: float | None


def idea_times_by_week(*, since: datetime, until: datetime | None = None) -> list[WeekTimes]:
    """The figures of all areas, week by week of submission (weeks without items left out):
    one query. For the dashboard's charts."""
    rows = (
        Idea.objects.filter(_measured_q("", since, until))
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(**_time_figures())
        .order_by("week")
    )
    return [WeekTimes(**row) for row in rows]
