"""Recognition badges, staff with the recognition and giveaway permissions, and
giveaways, for the wall of thanks, recognition and giveaway tests; call inside a portal's schema
(``tenant.activate()``). Thanks, awards and draws themselves are made with the real services."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.contrib.auth.models import Group, Permission

from certification.models import Badge
from community.models import Giveaway
from tests.factories.accounts import make_member

_numbers = itertools.count(1)


def make_recognition_badge(
    *, name: str = "Member of the month", validity_months: int = 0, **fields
) -> Badge:
    number = next(_numbers)
    fields.setdefault("slug", f"member-of-the-month-{number}")
    fields.setdefault("description", "Recognises outstanding help in the community.")
    return Badge.objects.create(
        kind=Badge.Kind.RECOGNITION,
        name=name,
        validity_months=validity_months,
        min_accepted_answers=0,
        **fields,
    )


def make_staff(*, email: str, codenames: tuple[str, ...] = (), superuser: bool = False, **fields):
    """Staff with admin access (MFA on) and the permissions ``codenames`` through a group."""
    user = make_member(email=email, staff=superuser, mfa=True, **fields)
    if superuser:
        return user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    group = Group.objects.create(name=f"Staff group {next(_numbers)}")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


def make_giveaway(
    *,
    created_by,
    starts_at: datetime,
    ends_at: datetime,
    rule: str = Giveaway.Rule.ANSWERED_OR_COMMENTED,
    winner_count: int = 1,
    title: str = "Hoodie giveaway",
) -> Giveaway:
    return Giveaway.objects.create(
        title=title,
        description="Two hoodies for helpful members.",
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        winner_count=winner_count,
        created_by=created_by,
    )
