"""Views of the platform itself: the operator's landing page and the unknown-host page.

Both run on the public schema, which has no Wagtail tables: they must not touch Wagtail models.
"""

from dataclasses import dataclass
from http import HTTPStatus

from django.shortcuts import render

from portal.tenants.models import Organization


@dataclass(frozen=True)
class PortalLink:
    name: str
    domain: str
    url: str


def unknown_host(request):
    """A friendly 404 for a host that no portal owns (django-tenants calls it)."""
    host = request.get_host().split(":")[0]
    return render(request, "portal/unknown_host.html", {"host": host}, status=HTTPStatus.NOT_FOUND)


def landing(request):
    """The operator's page on the bare domain: what Guildhall is and the portals it serves.

    Links keep the port the operator used (``demo.localhost:8000`` in development).
    """
    _, _, port = request.get_host().partition(":")
    suffix = f":{port}" if port else ""
    portals = []
    for organization in Organization.objects.exclude(schema_name="public").prefetch_related(
        "domains"
    ):
        primary = next((d.domain for d in organization.domains.all() if d.is_primary), "")
        url = f"{request.scheme}://{primary}{suffix}/" if primary else ""
        portals.append(PortalLink(name=organization.name, domain=primary, url=url))
    return render(request, "portal/landing.html", {"portals": portals})
