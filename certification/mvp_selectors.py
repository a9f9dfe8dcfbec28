"""Reads of the MVP programme: the public directory, the staff queue and MVP list, and finding
a member to nominate.

Each selector is a fixed number of queries whatever the number of MVPs or nominations: the
badges, certifications and counts of all listed members are read in one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from certification.models import AcceptedAnswer, Award, Badge, BadgeAward, Nomination
from certification.mvp_services import expertise_merge
from portal.accounts.api import PublicProfile, public_profile

SEARCH_LIMIT = 25


def _valid(queryset: QuerySet, now: datetime) -> QuerySet:
    """Current, not revoked or renewed, not expired at ``now``."""
    return queryset.filter(
        current=True, revoked_at__isnull=True, superseded_at__isnull=True
    ).exclude(expires_at__lte=now)


@dataclass
class MvpEntry:
    """One MVP in the directory: their public profile, title and other credentials."""

    profile: PublicProfile
    award: BadgeAward
    since: datetime  # the first award of an unbroken run of renewals
    certifications: list[Award] = field(default_factory=list)
    badges: list[BadgeAward] = field(default_factory=list)

    @property
    def expertise(self) -> list[str]:
        return self.award.expertise_list


@dataclass
class MvpDirectory:
    """The directory's MVPs after the filters, with everything the filters offer."""

    entries: list[MvpEntry]
    total: int
    countries: list[tuple[str, str]]  # (code, name) of the MVPs' countries, by name
    expertise: list[str]  # every area any MVP lists, by name
    country: str
    area: str

    @property
    def filtered(self) -> bool:
        return bool(self.country or self.area)


def mvp_directory(*, country: str = "", expertise: str = "") -> MvpDirectory:
    """The portal's valid MVPs by name, filtered by country code and area of expertise.

    Two queries. The first reads every badge award (not revoked) of every member holding a
    valid MVP title, with the member: their titles, their Expert badges and the MVP history
    that says since when each has been an MVP. A portal has tens of MVPs, so the filter
    options and the filtering come from that one read. The second reads the listed members'
    valid certification awards.
    """
    now = timezone.now()
    holders = _valid(BadgeAward.objects.filter(badge__kind=Badge.Kind.MVP), now).values("member")
    held = list(
        BadgeAward.objects.filter(member__in=holders, revoked_at__isnull=True)
        .select_related("member", "badge")
        .order_by("badge__name", "pk")
    )
    valid = [a for a in held if a.current and a.status_at(now) == BadgeAward.Status.VALID]
    awards = [award for award in valid if award.badge.is_mvp]
    profiles = {award.pk: public_profile(award.member) for award in awards}
    countries = sorted(
        {(p.country_code, p.country_name) for p in profiles.values() if p.country_code},
        key=lambda pair: pair[1],
    )
    areas: dict[str, str] = {}
    for award in awards:
        for area in award.expertise_list:
            areas.setdefault(area.casefold(), area)
    country = country.strip().upper()
    if country not in {code for code, _ in countries}:
        country = ""
    area = areas.get(expertise.strip().casefold(), "")
    chosen = [
        award
        for award in awards
        if (not country or profiles[award.pk].country_code == country)
        and (not area or area.casefold() in {a.casefold() for a in award.expertise_list})
    ]
    chosen.sort(key=lambda award: (profiles[award.pk].name.casefold(), award.member_id))
    entries = {
        award.member_id: MvpEntry(profile=profiles[award.pk], award=award, since=award.issued_at)
        for award in chosen
    }
    history = {award.pk: award for award in held if award.badge.is_mvp}
    for entry in entries.values():
        earliest = entry.award
        while earliest.renewed_from_id in history:
            earliest = history[earliest.renewed_from_id]
        entry.since = earliest.issued_at
    for award in valid:
        if not award.badge.is_mvp and award.member_id in entries:
            entries[award.member_id].badges.append(award)
    if entries:
        certifications = _valid(Award.objects.filter(member_id__in=list(entries)), now)
        for award in certifications.select_related("certification").order_by(
            "certification__name", "pk"
        ):
            entries[award.member_id].certifications.append(award)
    return MvpDirectory(
        entries=list(entries.values()),
        total=len(awards),
        countries=countries,
        expertise=sorted(areas.values(), key=str.casefold),
        country=country,
        area=area,
    )


@dataclass
class NomineeGroup:
    """A nominee's nominations for the staff queue, with what helps to judge them."""

    nominee: object
    nominations: list[Nomination] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)  # names of valid ones
    accepted_answers: int = 0
    mvp_until: datetime | None = None  # the valid MVP title an approval would renew
    mvp_expertise: str = ""

    @property
    def first(self) -> Nomination:
        """The nomination the review links name (approving it approves them all)."""
        return self.nominations[0]

    @property
    def pending(self) -> list[Nomination]:
        return [n for n in self.nominations if n.status == Nomination.Status.PENDING]

    @property
    def expertise(self) -> str:
        """The title's and the nominations' areas merged: the approve form's starting point."""
        return expertise_merge([self.mvp_expertise, *(n.expertise for n in self.nominations)])


def _with_evidence(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Nominations with their nominee's evidence as subqueries, so a queue is one query."""
    now = timezone.now()
    nominee = OuterRef("nominee_id")
    answers = (
        AcceptedAnswer.objects.filter(member=nominee)
        .order_by()
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    certifications = (
        _valid(Award.objects.filter(member=nominee), now)
        .order_by("certification__name")
        .values("certification__name")
    )
    title = _valid(BadgeAward.objects.filter(member=nominee, badge__kind=Badge.Kind.MVP), now)
    return nominations.select_related("nominee", "nominated_by").annotate(
        nominee_answers=Coalesce(Subquery(answers), 0),
        nominee_certifications=ArraySubquery(certifications),
        nominee_mvp_until=Subquery(title.values("expires_at")[:1]),
        nominee_mvp_expertise=Subquery(title.values("expertise")[:1]),
    )


def _groups(nominations: list[Nomination]) -> list[NomineeGroup]:
    """Nominations (read by ``_with_evidence``) grouped by nominee, in the given order."""
    groups: dict[int, NomineeGroup] = {}
    for nomination in nominations:
        group = groups.get(nomination.nominee_id)
        if group is None:
            group = groups[nomination.nominee_id] = NomineeGroup(
                nominee=nomination.nominee,
                certifications=nomination.nominee_certifications,
                accepted_answers=nomination.nominee_answers,
                mvp_until=nomination.nominee_mvp_until,
                mvp_expertise=nomination.nominee_mvp_expertise or "",
            )
        group.nominations.append(nomination)
    return list(groups.values())


def nomination_queue() -> list[NomineeGroup]:
    """Pending nominations grouped by nominee, the longest waiting first: one query."""
    pending = Nomination.objects.filter(status=Nomination.Status.PENDING)
    return _groups(list(_with_evidence(pending).order_by("created_at", "pk")))


def nominee_group(*, nomination: Nomination) -> NomineeGroup:
    """The nominee of ``nomination`` with their pending nominations (or this one, if reviewed),
    the chosen one first: one query."""
    nominations = list(
        _with_evidence(
            Nomination.objects.filter(
                Q(pk=nomination.pk)
                | Q(nominee_id=nomination.nominee_id, status=Nomination.Status.PENDING)
            )
        )
        .select_related("reviewed_by")
        .order_by("created_at", "pk")
    )
    nominations.sort(key=lambda n: n.pk != nomination.pk)
    return _groups(nominations)[0]


def mvps_for_staff() -> list[BadgeAward]:
    """The valid MVP titles, the soonest to expire first, with their members: one query."""
    return list(
        _valid(BadgeAward.objects.filter(badge__kind=Badge.Kind.MVP), timezone.now())
        .select_related("member", "badge", "awarded_by")
        .order_by("expires_at", "pk")
    )


def nominee_search(*, query: str) -> list:
    """Active members whose name or e-mail contains ``query`` (staff only): one query."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return []
    return list(
        get_user_model()
        .objects.filter(Q(display_name__icontains=query) | Q(email__icontains=query))
        .filter(is_active=True)
        .order_by("display_name", "pk")[:SEARCH_LIMIT]
    )


def nominee_by_id(*, member_id: str | int | None):
    """The active member with this public profile id, or None for anything else: one query."""
    try:
        pk = int(str(member_id).strip())
    except (TypeError, ValueError):
        return None
    if pk <= 0 or pk > 2**31 - 1:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()
