"""Announcements for tests; call inside a portal's schema (``with tenant.activate():``)."""

from datetime import timedelta

from django.utils import timezone

from portal.models import AnnouncementIndexPage, AnnouncementPage, IncidentUpdate


def make_announcement(*, title: str = "News item", slug: str | None = None, **fields):
    """A live news post (or, with ``kind="incident"``, a status post) under the index page."""
    index = AnnouncementIndexPage.objects.get()
    fields.setdefault("summary", f"Summary of {title}.")
    if fields.get("kind") == AnnouncementPage.KIND_INCIDENT:
        fields.setdefault("severity", "major")
    page = AnnouncementPage(title=title, slug=slug or _slug(title), **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_update(page: AnnouncementPage, *, status: str, message: str, minutes_ago: int = 0):
    """Post a timeline update as an editor would: a new revision, published."""
    page = AnnouncementPage.objects.get(pk=page.pk)
    page.updates.add(
        IncidentUpdate(
            status=status,
            message=message,
            posted_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
    )
    page.save_revision().publish()
    return page


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)
