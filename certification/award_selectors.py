"""Reads of certifications and awards: a member's certifications and badges, transcripts, staff
listings.

Each selector is a fixed number of queries whatever the number of awards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from certification.credentials import badge_criteria
from certification.models import Award, Badge, BadgeAward, Certification, Transcript


@dataclass
class CertificationRecord:
    """One certification of a member: the award that counts now and the older ones."""

    certification: Certification
    latest: Award
    history: list[Award] = field(default_factory=list)

    @property
    def renew_open(self) -> bool:
        """Whether the member may renew now: a valid award inside the renewal window."""
        opens = self.latest.renewal_opens_at()
        return self.latest.is_valid and opens is not None and timezone.now() >= opens


def member_certifications(*, member) -> list[CertificationRecord]:
    """The member's certifications by name, each with its latest award and history: one query."""
    awards = (
        Award.objects.filter(member=member)
        .select_related("certification__exam", "certification__renewal_exam")
        .order_by("certification__name", "certification_id", "-issued_at", "-pk")
    )
    records: list[CertificationRecord] = []
    for award in awards:
        if records and records[-1].certification.pk == award.certification_id:
            records[-1].history.append(award)
        else:
            records.append(CertificationRecord(certification=award.certification, latest=award))
    return records


def transcript_of(*, member) -> Transcript | None:
    """The member's transcript setting, if they ever set one: one query."""
    return Transcript.objects.filter(member=member).first()


@dataclass
class PublicTranscript:
    """What a public transcript shows: its member's valid certifications and badges."""

    transcript: Transcript
    awards: list[Award]
    badges: list[BadgeAward]


def public_transcript(*, slug: str) -> PublicTranscript:
    """A public transcript and its member's valid awards and badges, or ``Http404``: three
    queries."""
    transcript = Transcript.objects.select_related("member").filter(slug=slug, public=True).first()
    if transcript is None:
        raise Http404("No such transcript.")
    now = timezone.now()
    awards = [
        award
        for award in Award.objects.filter(
            member=transcript.member_id, current=True, revoked_at__isnull=True
        )
        .select_related("certification")
        .order_by("certification__name")
        if award.status_at(now) == Award.Status.VALID
    ]
    badges = [
        award
        for award in BadgeAward.objects.filter(
            member=transcript.member_id, current=True, revoked_at__isnull=True
        )
        .select_related("badge")
        .order_by("badge__kind", "badge__name")
        if award.status_at(now) == BadgeAward.Status.VALID
    ]
    return PublicTranscript(transcript=transcript, awards=awards, badges=badges)


def member_badges(*, member) -> list[BadgeAward]:
    """The member's Expert badges and MVP title, the MVP title first, then by name: the latest
    award of each badge (valid, expired, renewed or revoked), its badge joined: one query.

    Older awards of the same badge (an MVP title renewed each year) are left out: the latest
    one says where the member stands, and its verify page links the history that matters.
    """
    awards = (
        BadgeAward.objects.filter(member=member)
        .select_related("badge")
        .order_by("-badge__kind", "badge__name", "badge_id", "-issued_at", "-pk")
    )
    latest: list[BadgeAward] = []
    for award in awards:
        if not latest or latest[-1].badge_id != award.badge_id:
            latest.append(award)
    return latest


@dataclass(frozen=True)
class BadgeOffer:
    """An Expert badge a member can earn, and how, in words."""

    badge: Badge
    criteria: str


def expert_badges_to_earn() -> list[BadgeOffer]:
    """The active Expert badges by name, each with how it is earned: one query."""
    badges = Badge.objects.filter(kind=Badge.Kind.EXPERT, active=True).select_related(
        "required_certification"
    )
    return [
        BadgeOffer(badge=badge, criteria=badge_criteria(badge)) for badge in badges.order_by("name")
    ]


def certification_list() -> QuerySet[Certification]:
    """Every certification, by name, for the staff screens: one query."""
    return Certification.objects.order_by("name")


STATUS_FILTERS = {
    "valid": "Valid",
    "expired": "Expired",
    "renewed": "Renewed",
    "revoked": "Revoked",
}


def awards_for_staff(*, certification: Certification, status: str = "") -> QuerySet[Award]:
    """The certification's awards, newest first, with their members; filtered by status."""
    now = timezone.now()
    awards = Award.objects.filter(certification=certification).select_related(
        "member", "revoked_by"
    )
    if status == "revoked":
        awards = awards.filter(revoked_at__isnull=False)
    elif status == "renewed":
        awards = awards.filter(revoked_at__isnull=True, superseded_at__isnull=False)
    elif status == "expired":
        awards = awards.filter(
            revoked_at__isnull=True, superseded_at__isnull=True, expires_at__lte=now
        )
    elif status == "valid":
        awards = awards.filter(revoked_at__isnull=True, superseded_at__isnull=True).exclude(
            expires_at__lte=now
        )
    return awards.order_by("-issued_at", "-pk")
