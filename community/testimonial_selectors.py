"""Reads behind testimonials: the author's own (``access_testimonial``, ``testimonials_of``),
the published ones for the testimonials page and the home block (one query each, whatever
their number), the staff's lists, and the word-level difference between what the author wrote
and the staff's version.

Published means ``status = published``, read on every request: a withdrawn testimonial is gone
from the page and the block at once (nothing here is cached).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page
from django.db.models import Count, QuerySet, Subquery
from django.http import Http404

from community.list_selectors import page_of
from community.models import Testimonial, TestimonialsPage
from portal.accounts.api import public_profile

Status = Testimonial.Status

PER_PAGE = 10
STAFF_PER_PAGE = 50
BLOCK_MAX = 6


# The author's own ---------------------------------------------------------------------------


def access_testimonial(*, member, pk: int) -> Testimonial:
    """The testimonial ``pk`` if ``member`` wrote (or was invited to write) it, else 404:
    nobody else, staff included, reaches the author's pages (staff use the admin)."""
    if not member.is_authenticated:
        raise Http404
    found = Testimonial.objects.select_related("course").filter(pk=pk, author_id=member.pk).first()
    if found is None:
        raise Http404
    found.author = member  # the same row: no join needed
    return found


def testimonials_of(*, member) -> list[Testimonial]:
    """The member's invitations and testimonials, those needing them first, then newest."""
    waiting = {Status.INVITED: 0, Status.AWAITING_AUTHOR: 0}
    rows = list(
        Testimonial.objects.filter(author_id=member.pk)
        .select_related("course")
        .order_by("-invited_at", "-pk")
    )
    return sorted(rows, key=lambda row: waiting.get(row.status, 1))


def open_invitation(*, member, course_id: int | None = None) -> Testimonial | None:
    """The member's invitation still to write (about ``course_id``, or any when None), for a
    prompt such as the course feedback thank-you: one query, None for visitors."""
    if not member.is_authenticated:
        return None
    rows = Testimonial.objects.filter(author_id=member.pk, status=Status.INVITED)
    if course_id is not None:
        rows = rows.filter(course_id=course_id)
    return rows.select_related("course").order_by("-invited_at", "-pk").first()


# Published ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedTestimonial:
    """A published testimonial as the page and the block show it (no e-mail, no query)."""

    pk: int
    text: str
    author_name: str
    author_title: str
    rating: int | None
    published_at: datetime
    course_title: str = ""
    course_summary: str = ""
    course_url: str = ""  # a path; empty when the course is no longer live

    @property
    def stars(self) -> str:
        """The rating drawn as five stars (hidden from screen readers, who hear the number)."""
        return "★" * self.rating + "☆" * (5 - self.rating) if self.rating else ""


def _published() -> QuerySet[Testimonial]:
    return (
        Testimonial.objects.filter(status=Status.PUBLISHED)
        .select_related("author", "course")
        .order_by("-published_at", "-pk")
    )


def _card(row: Testimonial, request=None) -> PublishedTestimonial:
    course = row.course
    return PublishedTestimonial(
        pk=row.pk,
        text=row.approved_text,
        author_name=public_profile(row.author).name,
        author_title=row.author_title,
        rating=row.rating,
        published_at=row.published_at,
        course_title=course.title if course is not None else "",
        course_summary=course.summary if course is not None else "",
        course_url=(course.get_url(request) or "") if course is not None and course.live else "",
    )


@dataclass
class PublishedPage:
    """One page of published testimonials, newest first, and Django's pager."""

    cards: list[PublishedTestimonial]
    page: Page

    @property
    def total(self) -> int:
        return self.page.paginator.count


def published_page(*, page: object, request=None, per_page: int = PER_PAGE) -> PublishedPage:
    """Page ``page`` of the published testimonials (a bad number gives page 1, one past the end
    the last page): one query."""
    pager = page_of(_published(), page=page, per_page=per_page)
    return PublishedPage(cards=[_card(row, request) for row in pager.object_list], page=pager)


def latest_published(*, count: int = 3, request=None) -> list[PublishedTestimonial]:
    """The ``count`` newest published testimonials (at most ``BLOCK_MAX``): one query."""
    count = max(1, min(int(count or 3), BLOCK_MAX))
    return [_card(row, request) for row in _published()[:count]]


@dataclass
class TestimonialsBlockData:
    """What the home page's block shows: the newest cards and the testimonials page's address
    ("" when there is no live testimonials page)."""

    cards: list[PublishedTestimonial]
    page_url: str


def _page_url_paths() -> QuerySet:
    return TestimonialsPage.objects.live().order_by("path").values("url_path")


def testimonials_block(*, count: int = 3, request=None) -> TestimonialsBlockData:
    """The home block's testimonials and the link to their page: one query (the page's address
    comes with the rows; a second query only when nothing is published)."""
    count = max(1, min(int(count or 3), BLOCK_MAX))
    rows = list(_published().annotate(page_url_path=Subquery(_page_url_paths()[:1]))[:count])
    if rows:
        url_path = rows[0].page_url_path
    else:
        url_path = _page_url_paths().values_list("url_path", flat=True).first()
    # An unsaved page with its url_path finds its address from the cached site root paths.
    page_url = (TestimonialsPage(url_path=url_path).get_url(request) or "") if url_path else ""
    return TestimonialsBlockData(cards=[_card(row, request) for row in rows], page_url=page_url)


# The difference between the author's text and the staff's -----------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    """A run of the text: ``kind`` is "same", "added" or "removed" (shown escaped)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Change:
    """One change in words, for the list read by screen readers and everyone."""

    removed: str
    added: str

    @property
    def kind(self) -> str:
        if self.removed and self.added:
            return "replaced"
        return "removed" if self.removed else "added"


@dataclass
class TextDiff:
    """Word-level difference from ``before`` to ``after``."""

    segments: list[Segment] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _words(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def text_diff(before: str, after: str) -> TextDiff:
    """Compare two plain texts word by word (whitespace runs are tokens too, so line breaks
    count), with difflib. Segments show the text with insertions and deletions; changes list
    each in words ("removed …", "added …", "… replaced with …")."""
    old, new = _words(before), _words(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    diff = TextDiff()
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old[a1:a2]), "".join(new[b1:b2])
        if op == "equal":
            diff.segments.append(Segment("same", removed))
            continue
        if removed:
            diff.segments.append(Segment("removed", removed))
        if added:
            diff.segments.append(Segment("added", added))
        if removed.strip() or added.strip():
            diff.changes.append(
                Change(removed=" ".join(removed.split()), added=" ".join(added.split()))
            )
    return diff


# Staff --------------------------------------------------------------------------------------

STAFF_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "waiting": ("Waiting for staff", (Status.SUBMITTED,)),
    "author": ("Waiting for the author", (Status.AWAITING_AUTHOR,)),
    "published": ("Published", (Status.PUBLISHED,)),
    "invited": ("Invited, not written yet", (Status.INVITED,)),
    "closed": ("Withdrawn or declined", (Status.WITHDRAWN, Status.DECLINED)),
    "all": ("All", tuple(Status.values)),
}
DEFAULT_STAFF_FILTER = "waiting"


def status_counts() -> dict[str, int]:
    """How many testimonials each of the staff's filters holds: one query."""
    by_status = dict(
        Testimonial.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        key: sum(by_status.get(status, 0) for status in statuses)
        for key, (_, statuses) in STAFF_FILTERS.items()
    }


def testimonials_for_staff(*, show: str, page: object) -> Page:
    """The testimonials of one filter (``STAFF_FILTERS``), longest waiting first for those
    needing action, newest first otherwise; 50 a page, authors and courses joined."""
    statuses = STAFF_FILTERS.get(show, STAFF_FILTERS[DEFAULT_STAFF_FILTER])[1]
    rows = Testimonial.objects.filter(status__in=statuses).select_related(
        "author", "course", "edited_by"
    )
    if show in ("waiting", "author"):
        rows = rows.order_by("submitted_at", "edited_at", "pk")
    else:
        rows = rows.order_by("-invited_at", "-pk")
    return page_of(rows, page=page, per_page=STAFF_PER_PAGE)


def testimonial_for_staff(*, pk: int) -> Testimonial:
    """One testimonial with its author, course and editor, for the proofread screen (or 404)."""
    found = (
        Testimonial.objects.select_related("author", "course", "edited_by").filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found
