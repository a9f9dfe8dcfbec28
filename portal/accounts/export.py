"""A member's data export, which other apps add sections to.

Each app registers a function that takes the member and returns JSON-friendly data (dates and
decimals are fine), usually from its ``AppConfig.ready``::

    from portal.accounts.api import register_exporter

    register_exporter("enrollments", enrollments_for_export)

Exporters must never include secrets (password hashes, TOTP keys, tokens) or other members'
private data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from portal.accounts import selectors
from portal.accounts.models import User

Exporter = Callable[[User], Any]
EXPORT_FORMAT = "guildhall-member-export/1"

_exporters: dict[str, Exporter] = {}


def register_exporter(name: str, func: Exporter) -> None:
    """Add a section called ``name`` to every member's export; names are unique."""
    current = _exporters.get(name)
    if current is not None and current is not func:
        raise ImproperlyConfigured(f"An exporter called {name!r} is already registered.")
    _exporters[name] = func


def registered_exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def member_export(*, user: User, portal: str) -> dict[str, Any]:
    """Everything the portal holds about the member, one section per registered exporter."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "portal": portal,
        "exported_at": timezone.now(),
    }
    for name in sorted(_exporters):
        data[name] = _exporters[name](user)
    return data


def account_section(user: User) -> dict[str, Any]:
    """The member's profile, email addresses and which kinds of second factor they use."""
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "country": str(user.country.code or ""),
        "languages": list(user.languages),
        "time_zone": user.time_zone,
        "avatar": user.avatar.name if user.avatar else None,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_staff": user.is_staff,
        "email_addresses": [
            {"email": address.email, "primary": address.primary, "verified": address.verified}
            for address in selectors.email_addresses_for(user=user)
        ],
        "mfa": [
            {
                "type": authenticator.type,
                "created_at": authenticator.created_at,
                "last_used_at": authenticator.last_used_at,
            }
            for authenticator in selectors.authenticators_for(user=user)
        ],
    }
