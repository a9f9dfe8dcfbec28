"""What every tenant page's shell needs: the open incidents for the banner."""

from django.db import connection

from django_tenants.utils import get_public_schema_name


def shell(request) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == get_public_schema_name():
        return {}
    from portal.selectors import open_incidents

    return {"open_incidents": open_incidents(), "portal_organization": tenant}
