"""One read of any credential by its public id: a certification award, an Expert badge, an
MVP title or a recognition award, in the shape the public pages share (verify page, Open
Badges, PDF certificate).

``credential_by_public_id`` is at most two queries (the award tables in turn), each with what
the public pages show already joined.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from certification.models import Award, Badge, BadgeAward, CredentialStatus


@dataclass(frozen=True)
class CredentialRecord:
    """A credential as the public sees it. ``badge_kind`` is "certification", "expert", "mvp" or
    "recognition"; ``badge_slug`` with it names its badge class (``credentials:ob_badge_class``).
    ``citation`` is what a recognition award was given for ("" for the other kinds)."""

    award: Award | BadgeAward
    badge_kind: str
    badge_slug: str
    name: str
    description: str
    criteria: str
    image: object | None  # a wagtailimages Image, or None: a plain badge is drawn
    member: object
    public_id: uuid.UUID
    issued_at: datetime
    expires_at: datetime | None
    status: str
    revoked_at: datetime | None
    revocation_reason: str
    renewed_by_public_id: uuid.UUID | None
    citation: str = ""

    @property
    def status_label(self) -> str:
        return CredentialStatus(self.status).label

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.badge_kind]


KIND_LABELS = {
    "certification": "Certification",
    "expert": "Expert badge",
    "mvp": "MVP",
    "recognition": "Recognition award",
}


def _renewal_id(award) -> uuid.UUID | None:
    try:
        return award.renewed_by.public_id
    except type(award).renewed_by.RelatedObjectDoesNotExist:
        return None


def record_of(award: Award | BadgeAward, *, now: datetime | None = None) -> CredentialRecord:
    """The public shape of ``award`` (its badge and member joined, or one query each)."""
    now = now or timezone.now()
    citation = ""
    if isinstance(award, Award):
        certification = award.certification
        kind, slug, name = "certification", certification.slug, certification.name
        description = certification_description(certification)
        criteria = certification_criteria(certification)
        image = certification.badge_image
    else:
        badge = award.badge
        kind, slug, name = badge.kind, badge.slug, badge.name
        description = badge.description
        criteria = badge_criteria(badge)
        image = badge.image
        citation = award.citation if badge.kind == Badge.Kind.RECOGNITION else ""
    return CredentialRecord(
        award=award,
        badge_kind=kind,
        badge_slug=slug,
        name=name,
        description=description,
        criteria=criteria,
        image=image,
        member=award.member,
        public_id=award.public_id,
        issued_at=award.issued_at,
        expires_at=award.expires_at,
        status=award.status_at(now),
        revoked_at=award.revoked_at,
        revocation_reason=award.revocation_reason,
        renewed_by_public_id=_renewal_id(award) if award.superseded_at else None,
        citation=citation,
    )


def certification_description(certification) -> str:
    """What holding ``certification`` proves, in words (its exam joined, or one query)."""
    return certification.description or f"Holders passed “{certification.exam}”."


def certification_criteria(certification) -> str:
    """How ``certification`` is earned, in words (its exam joined, or one query)."""
    exam = certification.exam
    return f"Pass the exam “{exam}” (pass mark {exam.pass_mark_percent}%)."


def badge_criteria(badge) -> str:
    """How an Expert badge, the MVP title or a recognition award is earned: the editor's words,
    else its rule's."""
    return badge.criteria or _rule_in_words(badge)


def _rule_in_words(badge) -> str:
    if badge.is_mvp:
        return "Nominated by the community and chosen by staff for outstanding help to others."
    if badge.kind == Badge.Kind.RECOGNITION:
        return "Given by staff to a member for an outstanding contribution, named in its citation."
    parts = []
    if badge.required_certification_id:
        parts.append(f"hold a valid “{badge.required_certification}” certification")
    if badge.min_accepted_answers:
        tagged = f" tagged “{badge.answer_tag}”" if badge.answer_tag else ""
        parts.append(f"have {badge.min_accepted_answers} accepted community answers{tagged}")
    return ("Earned by members who " + " and ".join(parts) + ".") if parts else badge.description


def credential_by_public_id(public_id: uuid.UUID | str) -> CredentialRecord:
    """The credential with this public id in the current portal, or ``Http404``."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError as error:
        raise Http404("No such credential.") from error
    award = (
        Award.objects.select_related(
            "member", "certification__exam", "certification__badge_image", "renewed_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if award is None:
        award = (
            BadgeAward.objects.select_related(
                "member", "badge__image", "badge__required_certification", "renewed_by"
            )
            .filter(public_id=public_id)
            .first()
        )
    if award is None:
        raise Http404("No such credential.")
    return record_of(award)
