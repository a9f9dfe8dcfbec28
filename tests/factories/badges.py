"""Expert badges, the MVP title and their awards, made directly with the ORM for the pages that
show them (verify page, certificate, "My certifications"); call inside a portal's schema
(``tenant.activate()``). How badges are earned is tested with the services that award them."""

from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify

from certification.models import Badge, BadgeAward


def make_badge(*, name: str = "Cloud Expert", kind: str = Badge.Kind.EXPERT, **fields) -> Badge:
    """An active badge; the MVP title is the portal's only one, so it is reused."""
    fields.setdefault("slug", slugify(name))
    fields.setdefault("description", f"Holders of {name} help others.")
    if kind == Badge.Kind.MVP:
        badge, _ = Badge.objects.get_or_create(kind=kind, defaults={"name": name, **fields})
        return badge
    return Badge.objects.create(kind=kind, name=name, **fields)


def give_badge(
    *,
    member,
    badge: Badge,
    issued_at: datetime | None = None,
    expires_at: datetime | None = None,
    **fields,
) -> BadgeAward:
    """A current award of ``badge`` to ``member``, issued now unless told."""
    return BadgeAward.objects.create(
        member=member,
        badge=badge,
        issued_at=issued_at or timezone.now(),
        expires_at=expires_at,
        **fields,
    )


def renew_badge(*, award: BadgeAward, expires_at: datetime | None) -> BadgeAward:
    """Replace ``award`` with a renewal issued now (the old one becomes "renewed")."""
    now = timezone.now()
    BadgeAward.objects.filter(pk=award.pk).update(current=False, superseded_at=now)
    return give_badge(
        member=award.member, badge=award.badge, expires_at=expires_at, renewed_from=award
    )


def revoke_badge(*, award: BadgeAward, reason: str) -> None:
    BadgeAward.objects.filter(pk=award.pk).update(
        current=False, revoked_at=timezone.now(), revocation_reason=reason
    )
