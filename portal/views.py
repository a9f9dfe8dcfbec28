"""Views of the platform itself: the operator's landing page and the unknown-host page."""

from http import HTTPStatus

from django.shortcuts import render

from portal.tenants.models import Organization


def unknown_host(request):
    """A friendly 404 for a host that no portal owns (django-tenants' DEFAULT_NOT_FOUND_TENANT_VIEW)."""
    host = request.get_host().split(":")[0]
    return render(request, "portal/unknown_host.html", {"host": host}, status=HTTPStatus.NOT_FOUND)


def landing(request):
    """The operator's page on the bare domain: what Guildhall is and the portals it serves."""
    portals = Organization.objects.exclude(schema_name="public").prefetch_related("domains")
    return render(request, "portal/landing.html", {"portals": portals})
