"""What other apps may ask of, and tell, the certification app. The only module they import.

The community app (a Q&A where certified customers answer) uses it to

* gate answering: ``is_certified(member=...)``, ``valid_certification_ids(member=...)``;
* report accepted answers, the evidence of Expert badges: ``answer_accepted(...)`` when an
  answer is accepted, ``answer_unaccepted(...)`` when acceptance is withdrawn or the answer is
  deleted (moving acceptance to another answer is the two calls, old then new);
* show credentials beside names: ``member_badges_summary(member_ids=...)``;
* give and list recognition awards ("Member of the month", the wall of thanks):
  ``award_recognition(...)``, ``recognition_revoke(...)``, ``recognition_badges()``,
  ``recognition_awards()``, ``can_give_recognition(user=...)``, ``RecognitionError``.

Call them inside the portal's schema (a request on its host, or ``schema_context``) and, for
the events, inside the transaction that changes the answer, so both commit or neither does.
See docs/expert-badges.md for the guarantees.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Value
from django.urls import reverse

from certification.expert import (
    MAX_TAGS,
    TAG_MAX_LENGTH,
    EvidenceError,
    accepted_answer_record,
    accepted_answer_remove,
    tags_normalise,
    valid_awards,
)
from certification.expert import valid_certification_ids as _valid_certification_ids
from certification.models import Badge, BadgeAward
from certification.recognition_services import (
    CITATION_MAX_LENGTH,
    RecognitionError,
    award_recognition,
    can_give_recognition,
    recognition_badges,
    recognition_revoke,
)

__all__ = [
    "CITATION_MAX_LENGTH",
    "MAX_TAGS",
    "TAG_MAX_LENGTH",
    "BadgeAward",
    "CredentialSummary",
    "EvidenceError",
    "RecognitionError",
    "answer_accepted",
    "answer_unaccepted",
    "award_recognition",
    "can_give_recognition",
    "is_certified",
    "member_badges_summary",
    "recognition_awards",
    "recognition_badges",
    "recognition_revoke",
    "tags_normalise",
    "valid_certification_ids",
]


def answer_accepted(
    *,
    answer_id: int,
    member,
    tags: Sequence[str],
    accepted_at: datetime | None = None,
) -> list[BadgeAward]:
    """Record that ``member``'s answer was accepted; return the Expert badges it earned them.

    ``tags`` are the question's tags; they are normalised like ``tags_normalise`` (slugs,
    lower case, no duplicates; at most ``MAX_TAGS`` of ``TAG_MAX_LENGTH`` characters).
    Idempotent: the same event again records nothing and awards nothing. The same
    ``answer_id`` with another member or tags moves the evidence to them. Safe to call from
    concurrent requests: a member earns a badge once. Members are emailed new badges when the
    caller's transaction commits. Raises ``EvidenceError`` (message fit to log or show) for a
    bad answer id, bad tags or an unknown member; nothing is recorded then.
    """
    return accepted_answer_record(
        answer_id=answer_id, member=member, tags=tags, accepted_at=accepted_at
    )


def answer_unaccepted(*, answer_id: int) -> None:
    """Forget an accepted answer: un-accepted, moved to another answer, or deleted.

    Badges already earned are kept (awards are history; staff revoke); later evaluations count
    one answer fewer. Unknown ids are ignored, so repeating the event is harmless. Raises
    ``EvidenceError`` for an id that is not a positive int.
    """
    accepted_answer_remove(answer_id=answer_id)


def valid_certification_ids(*, member) -> set[int]:
    """Ids of the certifications ``member`` holds a valid award of now: one query (none for
    visitors)."""
    if member is None or not member.is_authenticated:
        return set()
    return _valid_certification_ids(member=member)


def is_certified(*, member, certification_ids: Iterable[int] | None = None) -> bool:
    """Whether ``member`` holds a valid certification (of ``certification_ids``, if given).

    The one place that decides "certified", for example who may answer in the community:
    valid means awarded, not expired, not revoked, not renewed away. One query; none for a
    visitor or an empty ``certification_ids``.
    """
    if member is None or not member.is_authenticated:
        return False
    awards = valid_awards().filter(member_id=member.pk)
    if certification_ids is not None:
        certification_ids = list(certification_ids)
        if not certification_ids:
            return False
        awards = awards.filter(certification_id__in=certification_ids)
    return awards.exists()


@dataclass(frozen=True)
class CredentialSummary:
    """A valid credential shown beside a member's name: its kind, name and verify link.

    ``kind`` is "mvp", "recognition", "expert" or "certification".
    """

    kind: str
    name: str
    slug: str
    public_id: uuid.UUID

    @property
    def verify_url(self) -> str:
        return reverse("credentials:verify", args=[self.public_id])


_KIND_ORDER = {"mvp": 0, "recognition": 1, "expert": 2, "certification": 3}


def member_badges_summary(*, member_ids: Iterable[int]) -> dict[int, list[CredentialSummary]]:
    """The valid credentials of each of ``member_ids``, for user cards: one query in all.

    Each list holds MVP titles first, then recognition awards (the latest of each badge), Expert
    badges, then certifications, each by name.
    Members with none are absent from the result. No query for an empty ``member_ids``.
    """
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    fields = ("member_id", "kind", "name", "slug", "public_id")
    certifications = (
        valid_awards()
        .filter(member_id__in=member_ids)
        .annotate(
            kind=Value("certification", output_field=CharField()),
            name=F("certification__name"),
            slug=F("certification__slug"),
        )
        .values_list(*fields)
    )
    badges = (
        valid_awards(BadgeAward)
        .filter(member_id__in=member_ids)
        .annotate(kind=F("badge__kind"), name=F("badge__name"), slug=F("badge__slug"))
        .values_list(*fields)
    )
    summary: dict[int, list[CredentialSummary]] = {}
    for member_id, kind, name, slug, public_id in certifications.union(badges, all=True):
        summary.setdefault(member_id, []).append(
            CredentialSummary(kind=kind, name=name, slug=slug, public_id=public_id)
        )
    for credentials in summary.values():
        credentials.sort(key=lambda c: (_KIND_ORDER[c.kind], c.name.casefold(), c.slug))
    return summary


def recognition_awards():
    """Recognition awards anyone may see (not revoked; expired ones too: they stay true), as a
    queryset of ``BadgeAward`` for callers to narrow, order and join (the wall of thanks).
    ``citation`` says what each was given for."""
    return BadgeAward.objects.filter(badge__kind=Badge.Kind.RECOGNITION, revoked_at__isnull=True)
