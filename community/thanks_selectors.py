"""Reads of the wall of thanks: the public wall (members' thanks, customers' compliments and
recognition awards, newest first), the targets the thanks form names, and the number of thanks
each member received (for profiles).

The wall merges two tables, ``Thanks`` and the recognition ``BadgeAward`` rows
(``certification.api.recognition_awards``). A page is one query whatever its size: a
``UNION ALL`` of the two, each row carrying what its card shows as a JSON object (names, titles,
the message), ordered newest first, cut to the page, with the total as ``COUNT(*) OVER ()``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Count, F, Value
from django.db.models.functions import JSONObject
from django.urls import reverse

from certification import api as certification_api
from community.list_selectors import page_number, page_of
from community.models import Answer, Thanks

PER_PAGE = 20
SHOW_CHOICES = {
    "": "Everything",
    "thanks": "Thanks from members",
    "compliments": "Customers' compliments",
    "recognition": "Recognition awards",
}
TEAM = "the team"


@dataclass(frozen=True)
class WallItem:
    """One message on the wall, with everything its card shows and no further query.

    ``kind`` is "thanks", "compliment" or "recognition". ``message_html`` is sanitised on save
    (thanks and compliments); a recognition award has a plain-text ``citation`` instead.
    """

    kind: str
    anchor: str
    at: datetime
    from_name: str
    from_url: str
    to_name: str
    to_url: str
    about_label: str = ""
    about_title: str = ""
    about_url: str = ""
    about_after: str = ""
    message_html: str = ""
    citation: str = ""
    badge_name: str = ""
    badge_image_url: str = ""
    verify_url: str = ""
    hidden: bool = False
    thanks_id: int | None = None


@dataclass
class Wall:
    items: list[WallItem]
    page: Page
    show: str

    @property
    def total(self) -> int:
        return self.page.paginator.count


def show_normalise(show: str | None) -> str:
    """A known filter of the wall ("" for everything)."""
    return show if show in SHOW_CHOICES else ""


def _member_url(member_id: int) -> str:
    return reverse("community:member", args=[member_id])


def _name(display_name: str | None, member_id: int) -> str:
    """A member's public name from the columns the wall reads (as ``User.public_name``)."""
    return display_name or f"Member {member_id}"


def _thanks_item(item_id: int, at: datetime, data: dict) -> WallItem:
    if data["kind"] == Thanks.Kind.COMPLIMENT:
        from_name, from_url = data["customer_name"], ""
    else:
        from_name = _name(data["author_name"], data["author_id"])
        from_url = _member_url(data["author_id"])
    recipient_id = data["recipient_id"]
    to_name = _name(data["recipient_name"], recipient_id) if recipient_id else TEAM
    to_url = _member_url(recipient_id) if recipient_id else ""
    label, title, url, after = "", "", "", ""
    if data["answer_id"]:
        if not data["answer_hidden"] and not data["question_hidden"]:
            label, title = "their answer to", data["question_title"]
            question_url = reverse("community:question", args=[data["question_id"]])
            url = f"{question_url}#answer-{data['answer_id']}"
        else:
            label = "an answer that is no longer shown"
    elif recipient_id and data["kind"] == Thanks.Kind.THANKS and not data["session_id"]:
        label = "an answer that was removed"
    elif data["session_id"]:
        label, title = "the live session", data["session_title"]
        after = f"with {data['session_expert']}" if data["session_expert"] else ""
        if data["session_live"]:
            url = reverse("courses:session", args=[data["session_id"]])
    return WallItem(
        kind=data["kind"],
        anchor=f"thanks-{item_id}",
        at=at,
        from_name=from_name,
        from_url=from_url,
        to_name=to_name,
        to_url=to_url,
        about_label=label,
        about_title=title,
        about_url=url,
        about_after=after,
        message_html=data["message_html"],
        hidden=bool(data["hidden"]),
        thanks_id=item_id,
    )


def _award_item(item_id: int, at: datetime, data: dict) -> WallItem:
    kind, slug = data["badge_kind"], data["badge_slug"]
    return WallItem(
        kind="recognition",
        anchor=f"recognition-{item_id}",
        at=at,
        from_name=TEAM,
        from_url="",
        to_name=_name(data["member_name"], data["member_id"]),
        to_url=_member_url(data["member_id"]),
        citation=data["citation"],
        badge_name=data["badge_name"],
        badge_image_url=reverse("credentials:ob_badge_image", args=[kind, slug]),
        verify_url=reverse("credentials:verify", args=[data["public_id"]]),
    )


def _sources(show: str, *, include_hidden: bool):
    """The wall's rows as ``(source, id, at, data)`` querysets, one per table shown; ``data``
    is a JSON object of everything the card shows (names, titles, the message)."""
    kinds = {"thanks": [Thanks.Kind.THANKS], "compliments": [Thanks.Kind.COMPLIMENT]}
    parts = []
    if show in ("", "thanks", "compliments"):
        thanks = Thanks.objects.filter(
            kind__in=kinds.get(show, [Thanks.Kind.THANKS, Thanks.Kind.COMPLIMENT])
        )
        if not include_hidden:
            thanks = thanks.filter(hidden_at__isnull=True)
        data = JSONObject(
            kind="kind",
            author_id="author_id",
            author_name="author__display_name",
            recipient_id="recipient_id",
            recipient_name="recipient__display_name",
            customer_name="customer_name",
            message_html="message_html",
            hidden="hidden_at",
            answer_id="answer_id",
            answer_hidden="answer__hidden_at",
            question_id="answer__question_id",
            question_title="answer__question__title",
            question_hidden="answer__question__hidden_at",
            session_id="session_id",
            session_title="session__title",
            session_expert="session__expert",
            session_live="session__live",
        )
        parts.append(
            thanks.annotate(
                source=Value("t", output_field=CharField()),
                item_id=F("pk"),
                at=F("created_at"),
                data=data,
            )
            .order_by()
            .values_list("source", "item_id", "at", "data")
        )
    if show in ("", "recognition"):
        data = JSONObject(
            member_id="member_id",
            member_name="member__display_name",
            badge_name="badge__name",
            badge_slug="badge__slug",
            badge_kind="badge__kind",
            public_id="public_id",
            citation="citation",
        )
        parts.append(
            certification_api.recognition_awards()
            .annotate(
                source=Value("r", output_field=CharField()),
                item_id=F("pk"),
                at=F("issued_at"),
                data=data,
            )
            .order_by()
            .values_list("source", "item_id", "at", "data")
        )
    return parts


def _combined(parts):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _rows(parts, *, offset: int, limit: int) -> list[tuple]:
    """``(source, id, at, data, total)`` of the page's rows, newest first: one query."""
    sql, params = _combined(parts).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source, item_id, at, data, COUNT(*) OVER () FROM ({sql}) "  # noqa: S608
            "AS wall (source, item_id, at, data) ORDER BY at DESC, source, item_id DESC "
            "LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return cursor.fetchall()


def wall(*, show: str = "", page: object = 1, include_hidden: bool = False) -> Wall:
    """A page of the wall, newest first, filtered by ``show`` ("", "thanks", "compliments",
    "recognition"). Moderators pass ``include_hidden`` to see hidden messages (marked).

    One query whatever the page's size; past the end, the last page is served (a count and
    the page again).
    """
    show = show_normalise(show)
    parts = _sources(show, include_hidden=include_hidden)
    number = page_number(page)
    rows = _rows(parts, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    if not rows and number > 1:
        number = max(1, math.ceil(_combined(parts).count() / PER_PAGE))
        rows = _rows(parts, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    items = []
    for source, item_id, at, data, _ in rows:
        data = json.loads(data) if isinstance(data, str) else data
        items.append(
            _thanks_item(item_id, at, data) if source == "t" else _award_item(item_id, at, data)
        )
    paginator = Paginator([], PER_PAGE)
    paginator.count = rows[0][4] if rows else 0  # no COUNT query of its own
    return Wall(items=items, page=Page(items, number, paginator), show=show)


def thanks_received_counts(member_ids) -> dict[int, int]:
    """How many thanks (shown on the wall) each of ``member_ids`` received: one query, none for
    no ids. Members who received none are absent."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    rows = (
        Thanks.objects.filter(
            recipient_id__in=member_ids, kind=Thanks.Kind.THANKS, hidden_at__isnull=True
        )
        .values("recipient_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["recipient_id"]: row["count"] for row in rows}


def answer_for_thanks(answer_id: object) -> Answer | None:
    """The answer ``answer_id`` names (its question and author joined), or None: one query."""
    try:
        answer_id = int(str(answer_id))
    except (TypeError, ValueError):
        return None
    if not 0 < answer_id < 2**63:
        return None
    return Answer.objects.select_related("question", "author").filter(pk=answer_id).first()


def session_for_thanks(session_id: object):
    """The live session ``session_id`` names, or None: one query."""
    from courses.models import LiveSessionPage

    try:
        session_id = int(str(session_id))
    except (TypeError, ValueError):
        return None
    if not 0 < session_id < 2**31:
        return None
    return LiveSessionPage.objects.filter(pk=session_id).first()


def thanks_for_moderation(thanks_id: int) -> Thanks | None:
    """One thanks or compliment, hidden or not, for the hide and restore actions."""
    return Thanks.objects.filter(pk=thanks_id).first()


STAFF_PER_PAGE = 50


def recognition_awards_for_staff(*, page: object = 1) -> Page:
    """Every recognition award (revoked ones too), newest first, 50 a page, with the member,
    badge and giver joined: one query (the page with its total)."""
    awards = (
        certification_api.BadgeAward.objects.filter(badge__kind="recognition")
        .select_related("member", "badge", "awarded_by")
        .order_by("-issued_at", "-pk")
    )
    return page_of(awards, page=page, per_page=STAFF_PER_PAGE)
