"""Reads of the site shell, each with its joins; every page uses ``open_incidents``."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith

from wagtail.models import PageViewRestriction

from portal.models import AnnouncementIndexPage, AnnouncementPage, IncidentUpdate


def _latest_update(field: str) -> Subquery:
    return Subquery(
        IncidentUpdate.objects.filter(page=OuterRef("pk"))
        .order_by("-posted_at", "-pk")
        .values(field)[:1]
    )


def _restricted() -> Exists:
    """True for a page under a view restriction (its own or an ancestor's).

    Wagtail's ``.public()`` reads every restriction first (one more query each time); this
    does the same check inside the page query.
    """
    return Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def announcement_list(
    *, index_page: AnnouncementIndexPage | None = None
) -> QuerySet[AnnouncementPage]:
    """Live announcements, newest first, each with its incident status (None for news)."""
    queryset = AnnouncementPage.objects.live().exclude(_restricted())
    if index_page is not None:
        queryset = queryset.child_of(index_page)
    return queryset.annotate(
        incident_status=_latest_update("status"),
    ).order_by("-published_at", "-pk")


def latest_announcements(*, count: int) -> list[AnnouncementPage]:
    """The ``count`` newest announcements for the home page's news section: one query."""
    return list(announcement_list().defer("body")[:count])


OPEN_INCIDENTS_KEY = "portal:open_incidents"  # the cache's key function adds the schema
OPEN_INCIDENTS_SECONDS = 300


def open_incidents() -> list[AnnouncementPage]:
    """Incidents whose newest update is not "resolved" (or that have none yet): one query, then
    none until an announcement, an incident update or a view restriction changes
    (``open_incidents_forget``, connected in ``PortalConfig``) or five minutes pass. Every page
    of the site shows them in its banner."""
    found = cache.get(OPEN_INCIDENTS_KEY)
    if found is None:
        found = list(
            announcement_list()
            .filter(kind=AnnouncementPage.KIND_INCIDENT)
            .annotate(
                latest_message=_latest_update("message"), latest_at=_latest_update("posted_at")
            )
            .filter(
                Q(incident_status__isnull=True) | ~Q(incident_status=IncidentUpdate.STATUS_RESOLVED)
            )
            .only("id", "title", "url_path", "summary", "severity", "path", "depth")
        )
        cache.set(OPEN_INCIDENTS_KEY, found, OPEN_INCIDENTS_SECONDS)
    return found


def open_incidents_forget(**kwargs) -> None:
    """Drop the cached incidents now and again on commit (a request in between may have cached
    the list without the uncommitted change)."""
    cache.delete(OPEN_INCIDENTS_KEY)
    transaction.on_commit(lambda: cache.delete(OPEN_INCIDENTS_KEY))


def incident_timeline(*, page: AnnouncementPage) -> list[IncidentUpdate]:
    """An incident's updates, newest first (the first one is its current status)."""
    return list(page.updates.order_by("-posted_at", "-pk"))


@dataclass(frozen=True)
class PostPage:
    """One page of a list, without counting the rows: "newer" and "older" links only."""

    items: list
    number: int
    has_previous: bool
    has_next: bool

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def announcement_page(
    *, index_page: AnnouncementIndexPage, number: str | int | None, per_page: int
) -> PostPage:
    """Page ``number`` (from 1; bad input means 1) of an index's posts: one query, no COUNT."""
    try:
        number = max(int(number or 1), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(
        announcement_list(index_page=index_page).defer("body")[start : start + per_page + 1]
    )
    return PostPage(
        items=rows[:per_page], number=number, has_previous=number > 1, has_next=len(rows) > per_page
    )
