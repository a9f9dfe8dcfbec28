"""Reads of the site shell, each with its joins; every page uses ``open_incidents``."""

from django.db.models import OuterRef, QuerySet, Subquery

from portal.models import AnnouncementIndexPage, AnnouncementPage, IncidentUpdate


def _latest_update(field: str) -> Subquery:
    return Subquery(
        IncidentUpdate.objects.filter(page=OuterRef("pk")).order_by("-posted_at", "-pk").values(field)[:1]
    )


def announcement_list(*, index_page: AnnouncementIndexPage | None = None) -> QuerySet[AnnouncementPage]:
    """Live announcements, newest first, each with its incident status (None for news)."""
    queryset = AnnouncementPage.objects.live().public()
    if index_page is not None:
        queryset = queryset.child_of(index_page)
    return queryset.annotate(
        incident_status=_latest_update("status"),
    ).order_by("-published_at", "-pk")


def open_incidents() -> list[AnnouncementPage]:
    """Incidents whose newest timeline update is not "resolved" (or that have none yet): one query."""
    return list(
        announcement_list()
        .filter(kind=AnnouncementPage.KIND_INCIDENT)
        .annotate(latest_message=_latest_update("message"), latest_at=_latest_update("posted_at"))
        .exclude(incident_status=IncidentUpdate.STATUS_RESOLVED)
        .only("id", "title", "url_path", "summary", "severity", "path", "depth")
    )
