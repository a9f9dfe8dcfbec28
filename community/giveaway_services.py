"""Writes of giveaways: staff create and edit a contest, then draw its winners; and the draw
itself, as pure functions anyone can run again to check a draw (docs/recognition.md).

The draw (``giveaway_draw``), in one transaction with the giveaway's row locked:

1. the entries are the members who met the rule in the period
   (``giveaway_selectors.eligible_member_ids``), ordered by member id and numbered from 1
   (``GiveawayEntry.position``);
2. the entry list is written as text, one ``<position>:<member id>`` line each, and its
   SHA-256 recorded (``entries_digest``): anyone can rebuild the text from the public page and
   compare;
3. a fresh seed, ``secrets.token_hex(32)``, is recorded (chosen after the entries are fixed);
4. each position gets a ticket, HMAC-SHA256 with the seed (its ASCII text) as key and the
   position (decimal ASCII) as message; entries sorted by ticket (hex), then position, and the
   first ``winner_count`` win, in that order (rank 1 first). Fewer entries than winners: all win.

Drawing twice is refused (the row lock makes a second, concurrent draw wait and then see the
first one's ``drawn_at``); drawing before ``ends_at`` is refused. Winners are notified
(``Notification.Kind.GIVEAWAY_WON``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from community.giveaway_selectors import eligible_member_ids
from community.models import Giveaway, GiveawayEntry, GiveawayWinner, Notification
from community.notification_services import notify
from community.permissions import CommunityError

PERMISSION = "community.manage_giveaways"
TITLE_MAX_LENGTH = 150
DESCRIPTION_MAX_LENGTH = 5000
WINNERS_MAX = 100

NOT_ALLOWED = "Managing giveaways needs the permission “Can create giveaways and draw their "
NOT_ALLOWED += "winners” (community.manage_giveaways)."
TITLE_REQUIRED = "Give the giveaway a title."
TITLE_TOO_LONG = f"Keep the title under {TITLE_MAX_LENGTH} characters."
DESCRIPTION_REQUIRED = "Describe the prize and the terms: members read them before taking part."
DESCRIPTION_TOO_LONG = f"Keep the description under {DESCRIPTION_MAX_LENGTH} characters."
RULE_UNKNOWN = "Choose a rule of entry."
DATES_REQUIRED = "Give the start and the end of the period."
ENDS_BEFORE_START = "The period must end after it starts."
WINNERS_OUT_OF_RANGE = f"Choose between 1 and {WINNERS_MAX} winners."
ALREADY_DRAWN = "The winners were already drawn on {date}: a draw is never repeated."
NOT_ENDED = "The period ends on {date}: draw the winners after that."
FIXED_AFTER_END = (
    "The period is over, so the rule, the dates and the number of winners are fixed: the draw "
    "must use what members were told. Only the title and description can change."
)
DRAWN_IS_FINAL = "The winners are drawn: the giveaway is kept as it was drawn."


class GiveawayError(CommunityError):
    """A giveaway that cannot be saved or drawn; the message is fit to show. ``field`` names
    the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- The draw, as pure functions ------------------------------------------------------------


def entries_text(entries: Sequence[tuple[int, int]]) -> str:
    """The entry list the digest covers: ``"<position>:<member id>\\n"`` per entry, in order."""
    return "".join(f"{position}:{member_id}\n" for position, member_id in entries)


def entries_digest(entries: Sequence[tuple[int, int]]) -> str:
    """SHA-256 (hex) of ``entries_text(entries)`` encoded as UTF-8."""
    return hashlib.sha256(entries_text(entries).encode("utf-8")).hexdigest()


def ticket(seed: str, position: int) -> str:
    """The ticket of ``position``: HMAC-SHA256(key=seed as ASCII, msg=str(position)), hex."""
    return hmac.new(seed.encode("ascii"), str(position).encode("ascii"), hashlib.sha256).hexdigest()


def draw_winners(*, seed: str, entry_count: int, winner_count: int) -> list[int]:
    """The winning positions (1-based) in rank order: positions 1..``entry_count`` sorted by
    ``ticket(seed, position)`` then position, the first ``winner_count`` (all when fewer).

    A pure function of its arguments: the same seed and entries give the same winners.
    """
    positions = sorted(range(1, entry_count + 1), key=lambda p: (ticket(seed, p), p))
    return positions[: max(0, winner_count)]


# --- Staff writes ------------------------------------------------------------------------


def can_manage_giveaways(*, user) -> bool:
    """Superusers, and staff holding ``community.manage_giveaways``, create and draw
    giveaways: the rule the admin screens and the services ask."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm(PERMISSION)))


def _clean(
    *,
    title: str,
    description: str,
    rule: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    winner_count: int | None,
) -> dict:
    title = " ".join((title or "").split())
    if not title:
        raise GiveawayError(TITLE_REQUIRED, field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise GiveawayError(TITLE_TOO_LONG, field="title")
    description = (description or "").strip()
    if not description:
        raise GiveawayError(DESCRIPTION_REQUIRED, field="description")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise GiveawayError(DESCRIPTION_TOO_LONG, field="description")
    if rule not in Giveaway.Rule.values:
        raise GiveawayError(RULE_UNKNOWN, field="rule")
    if starts_at is None or ends_at is None:
        raise GiveawayError(DATES_REQUIRED, field="starts_at" if starts_at is None else "ends_at")
    if ends_at <= starts_at:
        raise GiveawayError(ENDS_BEFORE_START, field="ends_at")
    if winner_count is None or not 1 <= winner_count <= WINNERS_MAX:
        raise GiveawayError(WINNERS_OUT_OF_RANGE, field="winner_count")
    return {
        "title": title,
        "description": description,
        "rule": rule,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "winner_count": winner_count,
    }


@transaction.atomic
def giveaway_create(
    *,
    staff,
    title: str,
    description: str,
    rule: str,
    starts_at: datetime,
    ends_at: datetime,
    winner_count: int = 1,
) -> Giveaway:
    """A new giveaway. Raises ``GiveawayError`` for staff without the permission, a missing or
    long title or description, an unknown rule, a period that does not end after it starts, or
    a number of winners outside 1..100. A period may lie in the past (a contest announced
    elsewhere): the draw reads what happened then."""
    if not can_manage_giveaways(user=staff):
        raise GiveawayError(NOT_ALLOWED)
    fields = _clean(
        title=title,
        description=description,
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        winner_count=winner_count,
    )
    return Giveaway.objects.create(created_by=staff, **fields)


@transaction.atomic
def giveaway_update(
    *,
    staff,
    giveaway: Giveaway,
    title: str,
    description: str,
    rule: str,
    starts_at: datetime,
    ends_at: datetime,
    winner_count: int,
) -> Giveaway:
    """Change a giveaway not drawn yet. Once its period is over, only the title and the
    description may change (members were told the rule and dates). Raises ``GiveawayError``
    as ``giveaway_create`` does, and once drawn."""
    if not can_manage_giveaways(user=staff):
        raise GiveawayError(NOT_ALLOWED)
    locked = Giveaway.objects.select_for_update().get(pk=giveaway.pk)
    if locked.drawn_at is not None:
        raise GiveawayError(DRAWN_IS_FINAL)
    fields = _clean(
        title=title,
        description=description,
        rule=rule,
        starts_at=starts_at,
        ends_at=ends_at,
        winner_count=winner_count,
    )
    fixed = ("rule", "starts_at", "ends_at", "winner_count")
    if locked.ends_at <= timezone.now() and any(
        fields[name] != getattr(locked, name) for name in fixed
    ):
        raise GiveawayError(FIXED_AFTER_END)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def giveaway_draw(*, staff, giveaway: Giveaway) -> Giveaway:
    """Draw the winners of ``giveaway`` (the algorithm in the module's docstring) and notify
    them. Raises ``GiveawayError`` for staff without the permission, before the period ends, or
    when it was already drawn (two staff at once: the second waits for the lock, then is told).
    A giveaway nobody entered is drawn with no winners, so the record says so."""
    if not can_manage_giveaways(user=staff):
        raise GiveawayError(NOT_ALLOWED)
    locked = Giveaway.objects.select_for_update().get(pk=giveaway.pk)
    now = timezone.now()
    if locked.drawn_at is not None:
        raise GiveawayError(ALREADY_DRAWN.format(date=f"{locked.drawn_at:%-d %B %Y %H:%M} UTC"))
    if now < locked.ends_at:
        raise GiveawayError(NOT_ENDED.format(date=f"{locked.ends_at:%-d %B %Y %H:%M} UTC"))
    member_ids = eligible_member_ids(
        rule=locked.rule, starts_at=locked.starts_at, ends_at=locked.ends_at, now=now
    )
    entries = list(enumerate(member_ids, start=1))
    GiveawayEntry.objects.bulk_create(
        [
            GiveawayEntry(giveaway=locked, member_id=member_id, position=position)
            for position, member_id in entries
        ]
    )
    seed = secrets.token_hex(32)
    positions = draw_winners(seed=seed, entry_count=len(entries), winner_count=locked.winner_count)
    winner_ids = [member_ids[position - 1] for position in positions]
    GiveawayWinner.objects.bulk_create(
        [
            GiveawayWinner(giveaway=locked, member_id=member_id, rank=rank, notified_at=now)
            for rank, member_id in enumerate(winner_ids, start=1)
        ]
    )
    locked.seed = seed
    locked.entries_digest = entries_digest(entries)
    locked.drawn_at = now
    locked.drawn_by = staff
    locked.save(update_fields=["seed", "entries_digest", "drawn_at", "drawn_by"])
    notify(
        recipients={member_id: Notification.Kind.GIVEAWAY_WON for member_id in winner_ids},
        actor=None,
        url=reverse("community:giveaway", args=[locked.pk]),
        text=locked.title,
    )
    return locked
