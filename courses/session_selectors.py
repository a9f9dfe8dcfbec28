"""Reads for live sessions: a session's page, the lists of upcoming sessions, the calendar.

The catalog and course pages get their sessions from annotations on their own query
(``session_annotations``), the dashboard from one query, so no list costs a query per session.
Kept apart from ``selectors.py`` for now; they belong there once that module is free to change.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, JSONObject, Now
from django.db.models.lookups import StartsWith
from django.urls import reverse

from wagtail.models import Page, PageViewRestriction

from courses.models import LiveSessionPage, SessionRegistration
from portal.accounts.api import viewer_zone


def can_see_join_link(*, session: LiveSessionPage, registration) -> bool:
    """Only members holding a seat see the join link, and only until the session ends."""
    return (
        bool(session.join_url)
        and registration is not None
        and registration.status == SessionRegistration.Status.REGISTERED
        and not session.has_ended
    )


def session_view(*, session: LiveSessionPage, member) -> dict:
    """The session page's data in two queries: the seat counts and the member's registration."""
    counts = SessionRegistration.objects.filter(session=session).aggregate(
        registered=Count("pk", filter=Q(status=SessionRegistration.Status.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=SessionRegistration.Status.WAITLISTED)),
    )
    registration = None
    if member.is_authenticated:
        registration = (
            SessionRegistration.objects.filter(session=session, member=member)
            .exclude(status=SessionRegistration.Status.CANCELLED)
            .first()
        )
    return {
        "registration": registration,
        "seats_left": max(session.capacity - counts["registered"], 0),
        "waitlisted": counts["waitlisted"],
        "join_url": session.join_url
        if can_see_join_link(session=session, registration=registration)
        else "",
        "recording_url": session.recording_url if session.has_ended else "",
        "viewer_zone": viewer_zone(member=member),
        "registration_open": session.live and not session.has_started,
    }


def sessions_for_calendar(*, member) -> QuerySet[LiveSessionPage]:
    """The live sessions in which ``member`` holds a seat, soonest first."""
    return (
        LiveSessionPage.objects.live()
        .filter(
            registrations__member=member,
            registrations__status=SessionRegistration.Status.REGISTERED,
        )
        .order_by("starts_at")
    )


# --- Lists of upcoming sessions: the catalog, a course, "My sessions" -----------------------

SESSIONS_SHOWN = 6
SESSIONS_MAX = 50
LISTED_STATUSES = (
    SessionRegistration.Status.REGISTERED,
    SessionRegistration.Status.WAITLISTED,
    SessionRegistration.Status.REQUESTED,
)
KIND_LABELS = dict(LiveSessionPage.KIND_CHOICES)


@dataclass(frozen=True)
class SessionItem:
    """One upcoming session in a list, built from a JSON row (see ``_session_json``)."""

    id: int
    title: str
    kind: str
    expert: str
    starts_at: datetime
    ends_at: datetime
    seats_left: int
    price: Decimal | None
    currency: str
    status: str = ""

    @classmethod
    def from_row(cls, row: dict) -> "SessionItem":
        return cls(
            id=row["id"],
            title=row["title"],
            kind=row["kind"],
            expert=row["expert"],
            starts_at=datetime.fromisoformat(row["starts_at"]),
            ends_at=datetime.fromisoformat(row["ends_at"]),
            seats_left=max(row["capacity"] - row["taken"], 0),
            price=Decimal(row["price"]) if row["price"] is not None else None,
            currency=row["currency"],
            status=row.get("status") or "",
        )

    @property
    def url(self) -> str:
        return reverse("courses:session", args=[self.id])

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_classroom(self) -> bool:
        return self.kind == LiveSessionPage.CLASSROOM

    @property
    def status_label(self) -> str:
        return SessionRegistration.Status(self.status).label if self.status else ""


@dataclass(frozen=True)
class SessionList:
    """The sessions a page shows, and whether there are more than that (``more``).

    ``kind`` is set when the catalog is filtered to live or classroom sessions: then the
    sessions come first on the page.
    """

    items: list[SessionItem]
    more: bool = False
    kind: str = ""


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated ``SELECT COUNT(*)`` subquery, 0 when nothing matches."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _session_json(prefix: str = "") -> JSONObject:
    """A session as JSON, with its seats taken counted in the same query."""
    taken = SessionRegistration.objects.filter(
        session=OuterRef(f"{prefix}pk"), status=SessionRegistration.Status.REGISTERED
    )
    fields = ("title", "kind", "expert", "starts_at", "ends_at", "capacity", "currency")
    return JSONObject(
        id=f"{prefix}pk",
        taken=_count(taken),
        price=Cast(f"{prefix}price", CharField()),
        **{name: f"{prefix}{name}" for name in fields},
    )


def _hidden_between() -> Exists:
    """True for a session with an unpublished or view-restricted page between it and the list's
    page (itself included): visitors of the list cannot open it, so it is left out."""
    restricted = PageViewRestriction.objects.filter(page=OuterRef("pk"))
    pages = Page.objects.filter(
        Q(live=False) | Q(Exists(restricted)),
        StartsWith(OuterRef("path"), F("path")),
        path__startswith=OuterRef(OuterRef("path")),
        depth__gt=OuterRef(OuterRef("depth")),
    )
    return Exists(pages)


def session_annotations() -> dict[str, ArraySubquery]:
    """Annotations for a catalog or course query: its upcoming sessions, per kind, as JSON.

    ``live_session_rows`` and ``classroom_session_rows`` hold the live sessions below the page
    that have not ended, soonest first, at most ``SESSIONS_MAX`` of each, so the page and its
    sessions load in one query. ``upcoming_sessions`` reads them.
    """
    sessions = (
        LiveSessionPage.objects.live()
        .filter(path__startswith=OuterRef("path"), ends_at__gt=Now())
        .exclude(_hidden_between())
        .order_by("starts_at", "pk")
    )
    return {
        f"{kind}_session_rows": ArraySubquery(
            sessions.filter(kind=kind).values(data=_session_json())[:SESSIONS_MAX]
        )
        for kind in KIND_LABELS
    }


def upcoming_sessions(*, page: Page, kind: str = "", show_all: bool = False) -> SessionList:
    """The upcoming sessions below a catalog (its own and its courses') or a course.

    Only ``kind`` ("live" or "classroom") when given; the first ``SESSIONS_SHOWN`` unless
    ``show_all``. From the ``session_annotations()`` of the page's own query when present (no
    query), else one query.
    """
    names = [f"{name}_session_rows" for name in KIND_LABELS if not kind or name == kind]
    if all(hasattr(page, name) for name in names):
        groups = [getattr(page, name) for name in names]
    else:
        groups = list(
            Page.objects.filter(pk=page.pk)
            .annotate(**session_annotations())
            .values_list(*names)
            .first()
            or []
        )
    items = sorted(
        (SessionItem.from_row(row) for group in groups for row in group or []),
        key=lambda item: (item.starts_at, item.id),
    )
    shown = items if show_all else items[:SESSIONS_SHOWN]
    return SessionList(items=shown, more=len(items) > len(shown), kind=kind)


def catalog_sessions(
    *, index_page: Page, filters: dict[str, str], show_all: bool = False
) -> SessionList | None:
    """What the catalog shows of its sessions for the filters of its form, or None for nothing.

    Filtered to live or classroom sessions, sessions of that kind are what the visitor wants;
    unfiltered, all kinds; filtered otherwise (a search, a topic, video courses), none, since
    sessions have no topic or level to match.
    """
    chosen = filters.get("format", "")
    if chosen in KIND_LABELS:
        return upcoming_sessions(page=index_page, kind=chosen, show_all=show_all)
    if any(value for name, value in filters.items() if name != "sort"):
        return None
    return upcoming_sessions(page=index_page, show_all=show_all)


def my_sessions(*, member) -> list[SessionItem]:
    """The member's registrations for sessions that have not ended, soonest first: one query.

    Seats, waiting-list places and seat requests; not cancelled or declined ones.
    """
    if not member.is_authenticated:
        return []
    rows = (
        SessionRegistration.objects.filter(
            member=member,
            status__in=LISTED_STATUSES,
            session__live=True,
            session__ends_at__gt=Now(),
        )
        .order_by("session__starts_at", "session_id")
        .values(data=JSONObject(status="status", session=_session_json("session__")))
    )
    return [
        SessionItem.from_row({**row["data"]["session"], "status": row["data"]["status"]})
        for row in rows
    ]
