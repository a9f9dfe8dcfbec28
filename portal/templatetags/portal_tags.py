"""Template tags of the site shell: reads that block templates need, through the selectors."""

from django import template

from portal import selectors
from portal.models import IncidentUpdate

register = template.Library()

STATUS_LABELS = dict(IncidentUpdate.STATUS_CHOICES)


@register.simple_tag
def latest_announcements(count: int = 3) -> list:
    """``{% latest_announcements value.count as items %}``: one query, whatever the count."""
    return selectors.latest_announcements(count=int(count or 3))


@register.filter
def incident_status_label(status: str | None) -> str:
    """ "monitoring" -> "Monitoring"; an incident without updates yet is being investigated."""
    return STATUS_LABELS.get(status or IncidentUpdate.STATUS_INVESTIGATING, status or "")
