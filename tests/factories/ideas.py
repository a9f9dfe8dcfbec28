"""Product areas, ideas and the staff who answer them, for the idea tests; made through the real
services (``community.idea_services``). Call inside a portal's schema."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, Permission

from community.idea_services import idea_create
from community.models import Idea, ProductArea
from tests.factories.accounts import make_member

_numbers = itertools.count(1)

BODY = "It would help our team a lot, because we do this by hand every single week."


def make_area(*, name: str = "Console", slug: str = "", position: int = 0) -> ProductArea:
    area, _ = ProductArea.objects.get_or_create(
        slug=slug or name.lower().replace(" ", "-"), defaults={"name": name, "position": position}
    )
    return area


def make_idea(
    *, author, kind: str = Idea.Kind.IDEA, title: str = "", body: str = BODY, area=None
) -> Idea:
    """An item through ``idea_create`` (in the "Console" area unless told)."""
    return idea_create(
        author=author,
        kind=kind,
        title=title or f"Export the usage report, case {next(_numbers)}",
        body_md=body,
        area=area or make_area(),
    )


def make_idea_manager(*, email: str, superuser: bool = False, manage: bool = True, **fields):
    """Staff with admin access and (unless ``manage=False``) ``community.manage_ideas``
    through a group; MFA on. ``superuser=True`` makes a superuser, who needs no permission."""
    user = make_member(email=email, staff=superuser, mfa=True, **fields)
    if superuser:
        return user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    name = "Idea managers" if manage else "Staff without ideas"
    group, _ = Group.objects.get_or_create(name=name)
    codenames = ["access_admin", "manage_ideas"] if manage else ["access_admin"]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user
