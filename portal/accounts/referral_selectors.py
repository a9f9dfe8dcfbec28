"""Reads of the referral programme: who a link belongs to, a member's sign-ups, and the counts
and weekly series the staff dashboard shows.

``Referral.created_at`` is the moment the referred member signed up (it is written by the
sign-up itself), so counting referrals by ``created_at`` counts sign-ups through links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Window
from django.db.models.functions import TruncWeek
from django.utils import timezone

from portal.accounts.api import PublicProfile, public_profile
from portal.accounts.models import Referral, ReferralCode, User
from portal.accounts.referral_services import code_normalise

RECENT_REFERRALS = 20


@dataclass(frozen=True)
class ReferredMember:
    profile: PublicProfile
    joined_at: datetime


@dataclass(frozen=True)
class MemberReferrals:
    """How many signed up through a member's link, and the latest of them (public names)."""

    count: int
    recent: list[ReferredMember]


def referrer_for_code(*, code: object) -> User | None:
    """The active member whose referral code is ``code``, or None: one query (none for a code
    that cannot be one of ours)."""
    code = code_normalise(code)
    if code is None:
        return None
    found = ReferralCode.objects.filter(code=code, member__is_active=True).select_related("member")
    row = found.first()
    return row.member if row is not None else None


def member_referrals(*, member: User, limit: int = RECENT_REFERRALS) -> MemberReferrals:
    """The members who signed up through ``member``'s link, newest first (at most ``limit``),
    and how many there are in all: one query."""
    rows = list(
        Referral.objects.filter(referrer_id=member.pk)
        .select_related("referred")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:limit]
    )
    return MemberReferrals(
        count=rows[0].total if rows else 0,
        recent=[ReferredMember(public_profile(row.referred), row.created_at) for row in rows],
    )


def _period(queryset, since: datetime | None, until: datetime | None):
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if until is not None:
        queryset = queryset.filter(created_at__lt=until)
    return queryset


def referral_counts(
    *,
    member_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, int]:
    """Sign-ups through each member's link, ``{referrer id: count}``, optionally for some
    members and between ``since`` (included) and ``until`` (excluded); members without any are
    left out. One query. For the staff dashboard ("top referrers") and profiles."""
    queryset = _period(Referral.objects.all(), since, until)
    if member_ids is not None:
        queryset = queryset.filter(referrer_id__in=list(member_ids))
    rows = queryset.order_by().values("referrer_id").annotate(count=Count("pk"))
    return {row["referrer_id"]: row["count"] for row in rows}


def referral_total(*, since: datetime | None = None, until: datetime | None = None) -> int:
    """How many members signed up through a referral link in the period: one query."""
    return _period(Referral.objects.all(), since, until).count()


def top_referrers(
    *, limit: int = 10, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[PublicProfile, int]]:
    """The members who brought the most sign-ups in the period, most first, with their counts
    (public names only): two queries."""
    counts = list(
        _period(Referral.objects.all(), since, until)
        .order_by()
        .values_list("referrer_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "referrer_id")[:limit]
    )
    members = User.objects.in_bulk([member_id for member_id, _ in counts])
    return [
        (public_profile(members[member_id]), count)
        for member_id, count in counts
        if member_id in members
    ]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def referral_series(*, start: date, end: date) -> list[dict[str, Any]]:
    """Sign-ups through referral links per ISO week (weeks start on Monday) from ``start``'s
    week to ``end``'s, in the portal's time zone: ``{"week": date, "referrals": int}``, weeks
    without any included with 0. One query. Shaped like ``portal.surveys.api.nps_series``."""
    first, last = _monday(start), _monday(end)
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(first, time.min), zone)
    until = timezone.make_aware(datetime.combine(last + timedelta(days=7), time.min), zone)
    rows = (
        _period(Referral.objects.all(), since, until)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .order_by()
        .values("week")
        .annotate(referrals=Count("pk"))
    )
    by_week = {row["week"].date(): row["referrals"] for row in rows}
    series = []
    week = first
    while week <= last:
        series.append({"week": week, "referrals": by_week.get(week, 0)})
        week += timedelta(days=7)
    return series


def referrals_for_export(user: User) -> dict[str, Any]:
    """The member's part of the referral programme for their data export: their code, how many
    signed up through it, and whether they themselves came through someone's link (that
    member's public name only)."""
    code = ReferralCode.objects.filter(member_id=user.pk).values_list("code", flat=True).first()
    referred_by = Referral.objects.filter(referred_id=user.pk).select_related("referrer").first()
    return {
        "code": code,
        "signed_up_through_your_link": Referral.objects.filter(referrer_id=user.pk).count(),
        "referred_by": (
            {"name": referred_by.referrer.public_name, "at": referred_by.created_at}
            if referred_by is not None
            else None
        ),
    }
