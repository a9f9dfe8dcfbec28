"""Writes of members' stated interests (the topics and products they care about), which the
member's home page turns into recommendations (``community.interest_selectors``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from community.models import MemberInterests, ProductArea, Tag

MAX_CHOICES = 50
UNKNOWN_CHOICE = "One of the topics or products you chose no longer exists. Please choose again."
TOO_MANY = f"Choose at most {MAX_CHOICES} topics and {MAX_CHOICES} products."
SAVED = "Your interests have been saved. Your recommendations on My learning follow them."


class InterestError(Exception):
    """Interests that cannot be saved; the message is fit to show."""


def _ids(values: Iterable[object]) -> set[int]:
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError) as error:
            raise InterestError(UNKNOWN_CHOICE) from error
    return ids


@transaction.atomic
def interests_set(
    *, member, tag_ids: Iterable[object], area_ids: Iterable[object]
) -> MemberInterests:
    """Replace the member's interests with these tags and product areas (either may be empty).

    Raises ``InterestError`` for an id that is not a tag or area of this portal, or too many;
    nothing changes then. Two saves at once are serialised on the member's interests row, so
    the last one wins whole (never a mix of both).
    """
    tags, areas = _ids(tag_ids), _ids(area_ids)
    if len(tags) > MAX_CHOICES or len(areas) > MAX_CHOICES:
        raise InterestError(TOO_MANY)
    if Tag.objects.filter(pk__in=tags).count() != len(tags):
        raise InterestError(UNKNOWN_CHOICE)
    if ProductArea.objects.filter(pk__in=areas).count() != len(areas):
        raise InterestError(UNKNOWN_CHOICE)
    MemberInterests.objects.get_or_create(member_id=member.pk)
    interests = MemberInterests.objects.select_for_update().get(member_id=member.pk)
    interests.tags.set(tags)
    interests.areas.set(areas)
    interests.updated_at = timezone.now()
    interests.save(update_fields=["updated_at"])
    return interests
