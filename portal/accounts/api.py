"""What other apps may use from accounts: a member's public profile, the export registry and
the number of sign-ups through a member's referral link (as an expression to nest in a query)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal.accounts.export import register_exporter
from portal.accounts.mfa import mfa_required
from portal.accounts.models import LANGUAGE_CHOICES, User

__all__ = [
    "PublicProfile",
    "mfa_required",
    "public_profile",
    "referral_count",
    "register_exporter",
    "viewer_zone",
]

_LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


@dataclass(frozen=True)
class PublicProfile:
    """What any member may see about another, beside posts and badges (never the email)."""

    pk: int
    name: str
    avatar_url: str
    bio: str
    country_code: str
    country_name: str
    languages: tuple[str, ...]
    time_zone: str


def public_profile(user: User) -> PublicProfile:
    """The public face of ``user``; no queries beyond the user row itself."""
    return PublicProfile(
        pk=user.pk,
        name=user.public_name,
        avatar_url=user.avatar.url if user.avatar else "",
        bio=user.bio,
        country_code=str(user.country.code or ""),
        country_name=str(user.country.name or ""),
        languages=tuple(str(_LANGUAGE_NAMES.get(code, code)) for code in user.languages),
        time_zone=user.time_zone,
    )


UTC = ZoneInfo("UTC")


def viewer_zone(*, member) -> ZoneInfo:
    """The member's own time zone, or UTC for visitors (and unknown zone names)."""
    name = getattr(member, "time_zone", "") if member.is_authenticated else ""
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, KeyError):
        return UTC


def referral_count(member):
    """How many members signed up through the referral link of ``member`` (an id, or an
    expression such as ``OuterRef("pk")``), as an integer expression to annotate a query with:
    no query of its own."""
    from django.db.models import Count, IntegerField, Subquery
    from django.db.models.functions import Coalesce

    from portal.accounts.models import Referral

    counted = (
        Referral.objects.filter(referrer_id=member)
        .order_by()
        .values("referrer_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
