"""What every page's shell needs: the open incidents, the current section and the base template.

On the public schema (the operator's host) there are no Wagtail tables: only ``shell_base`` is
given, so shared templates such as ``404.html`` render without touching them.
"""

from django.db import connection
from django.utils.functional import SimpleLazyObject

from django_tenants.utils import get_public_schema_name

PUBLIC_BASE = "portal/public_base.html"
TENANT_BASE = "base.html"

# Path prefix -> navigation section, for aria-current in the header.
SECTIONS = {
    "/courses/": "courses",
    "/learning/": "learning",
    "/certification/mvp/": "mvps",  # before its parent: the first matching prefix wins
    "/certification/": "certification",
    "/community/": "community",
    "/accounts/": "account",
    "/announcements/": "announcements",
}


def nav_section(path: str) -> str:
    """The header section a path belongs to ("home" for "/", "" when none)."""
    if path == "/":
        return "home"
    return next((name for prefix, name in SECTIONS.items() if path.startswith(prefix)), "")


def shell(request) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == get_public_schema_name():
        return {"shell_base": PUBLIC_BASE}
    from portal.selectors import open_incidents

    return {
        "shell_base": TENANT_BASE,
        # Lazy: the Wagtail admin and JSON views render templates too, but never show the banner.
        "open_incidents": SimpleLazyObject(open_incidents),
        "nav_section": nav_section(request.path),
        "portal_organization": tenant,
    }
