"""Middleware of the site shell."""

from django.db import connection

from wagtail.contrib.redirects.middleware import RedirectMiddleware

from django_tenants.utils import get_public_schema_name


class PortalRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects, on portal hosts only.

    Wagtail looks up the request's Site on every 404; the public schema (the operator's host)
    has no Wagtail tables, so there the 404 passes through untouched.
    """

    def process_response(self, request, response):
        if connection.schema_name == get_public_schema_name():
            return response
        return super().process_response(request, response)
