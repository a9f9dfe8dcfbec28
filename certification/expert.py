"""Expert badges by rule: the accepted-answer evidence, the rule, and the awards it makes.

A portal's active Expert badges each carry a rule ("holds a valid certification X", "has N
accepted answers tagged x"; every part that is set must hold). The rule is evaluated when
something that can complete it happens: an accepted-answer event from the community
(``certification.api.answer_accepted``) or a certification award (``award_services
.award_for_pass``). Nothing polls.

Guarantees:

* **Idempotent evidence.** One ``AcceptedAnswer`` row per answer id; the same event again
  changes nothing. The same answer id with another member or tags moves the row (the answer was
  re-attributed or re-tagged).
* **One award.** ``expert_badges_evaluate`` locks the member's row before it reads, so two
  events for one member at once are evaluated one after the other and the second sees the
  first's award. The partial unique constraint ``badgeaward_one_current_per_member_badge`` is
  the backstop: an insert it refuses is rolled back to its savepoint and skipped.
* **Fixed cost.** Evaluation is at most five queries (member lock, badges, valid certifications,
  one aggregate counting answers per tag, the member's awards), whatever the number of badges
  and tags, plus the writes of an award actually made.
* **Awards are history.** Un-accepting an answer lowers the count for later evaluations but
  takes no badge away; staff revoke. A revoked Expert badge is not earned again by rule (staff
  revoked it for a reason); an expired one is, by meeting the rule again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from dateutil.relativedelta import relativedelta

from certification.credentials import badge_criteria
from certification.emails import credential_email, send_on_commit
from certification.models import AcceptedAnswer, Award, Badge, BadgeAward

MAX_TAGS = 10
TAG_MAX_LENGTH = 60  # Badge.answer_tag and AcceptedAnswer.tags hold slugs of at most 60

BAD_ANSWER_ID = "The answer id must be a positive whole number."
BAD_TAGS = "Tags must be a list of strings, not one string."
TOO_MANY_TAGS = f"An accepted answer counts with at most {MAX_TAGS} tags."
TAG_TOO_LONG = f"A tag is at most {TAG_MAX_LENGTH} characters long."
UNKNOWN_MEMBER = "This member does not belong to this portal."

_SLUG_SEPARATORS = re.compile(r"[\s_]+")


class EvidenceError(ValueError):
    """An accepted-answer event that cannot be recorded; the message says why."""


def tags_normalise(tags: Sequence[str]) -> list[str]:
    """Tags as rules compare them: slugs, lower case, first occurrence kept, in order.

    ``"Cloud Networking"`` and ``"cloud-networking"`` are the same tag; empty ones are dropped.
    Raises ``EvidenceError`` for a single string (a common slip for ``[tag]``), a non-string
    tag, more than ``MAX_TAGS`` distinct tags or one longer than ``TAG_MAX_LENGTH``: cutting them
    silently could make a tag match a badge it was not meant for.
    """
    if isinstance(tags, str | bytes) or not all(isinstance(tag, str) for tag in tags):
        raise EvidenceError(BAD_TAGS)
    normalised: list[str] = []
    for tag in tags:
        slug = slugify(_SLUG_SEPARATORS.sub("-", tag.strip()))
        if not slug or slug in normalised:
            continue
        if len(slug) > TAG_MAX_LENGTH:
            raise EvidenceError(TAG_TOO_LONG)
        normalised.append(slug)
    if len(normalised) > MAX_TAGS:
        raise EvidenceError(TOO_MANY_TAGS)
    return normalised


def answer_id_check(answer_id: object) -> int:
    """The answer id as an int, or ``EvidenceError`` (booleans and strings are refused)."""
    if isinstance(answer_id, bool) or not isinstance(answer_id, int) or answer_id <= 0:
        raise EvidenceError(BAD_ANSWER_ID)
    return answer_id


def _member_lock(member):
    """Lock and re-read the member's row; two evaluations for one member run in turn."""
    pk = getattr(member, "pk", None)
    locked = get_user_model().objects.select_for_update().filter(pk=pk).first() if pk else None
    if locked is None:
        raise EvidenceError(UNKNOWN_MEMBER)
    return locked


@transaction.atomic
def accepted_answer_record(
    *, answer_id: int, member, tags: Sequence[str], accepted_at: datetime | None = None
) -> list[BadgeAward]:
    """Record that ``member``'s answer ``answer_id`` was accepted, with its question's tags,
    then award the Expert badges this completes; return the new awards.

    The same event again records nothing (not even a new ``accepted_at``). The same answer id
    with another member or other tags updates the row: an answer re-attributed or re-tagged
    counts where it now belongs (its former author keeps any badge). Two first events for one
    answer at once make one row: the loser's insert is refused by the unique answer id and it
    updates the winner's row instead. Raises ``EvidenceError`` for a bad answer id, bad tags or
    a member of no portal here, before anything is written.
    """
    answer_id = answer_id_check(answer_id)
    tags = tags_normalise(tags)
    member = _member_lock(member)
    accepted_at = accepted_at or timezone.now()
    row = AcceptedAnswer.objects.select_for_update().filter(answer_id=answer_id).first()
    if row is None:
        try:
            with transaction.atomic():
                row = AcceptedAnswer.objects.create(
                    answer_id=answer_id, member=member, tags=tags, accepted_at=accepted_at
                )
        except IntegrityError:
            row = AcceptedAnswer.objects.select_for_update().get(answer_id=answer_id)
    if row.member_id != member.pk or row.tags != tags:
        row.member, row.tags, row.accepted_at = member, tags, accepted_at
        row.save(update_fields=["member", "tags", "accepted_at"])
    return _evaluate(member=member)


def accepted_answer_remove(*, answer_id: int) -> bool:
    """Forget an accepted answer (un-accepted, or the answer deleted); False if unknown.

    Badges already earned stay: awards are history, and staff revoke. Later evaluations count
    one answer fewer.
    """
    deleted, _ = AcceptedAnswer.objects.filter(answer_id=answer_id_check(answer_id)).delete()
    return bool(deleted)


def valid_awards(model: type[Award] | type[BadgeAward] = Award, *, now: datetime | None = None):
    """Awards (or badge awards) valid at ``now``, as ``Credential.status_at`` says: current,
    not revoked, not renewed, not expired. A queryset, for callers to narrow."""
    now = now or timezone.now()
    return model.objects.filter(
        current=True, revoked_at__isnull=True, superseded_at__isnull=True
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def valid_certification_ids(*, member, now: datetime | None = None) -> set[int]:
    """Ids of the certifications ``member`` holds a valid award of now: one query."""
    awards = valid_awards(now=now).filter(member_id=member.pk)
    return set(awards.values_list("certification_id", flat=True))


def expert_badges_live():
    """The portal's Expert badges that can be earned: active, with at least one rule part.

    A badge with neither a certification nor a minimum of answers would go to every member at
    their first event, so it is never awarded (the admin shows its rule as empty).
    """
    return (
        Badge.objects.filter(kind=Badge.Kind.EXPERT, active=True)
        .exclude(required_certification__isnull=True, min_accepted_answers=0)
        .select_related("required_certification")
    )


@dataclass(frozen=True)
class _Evidence:
    certification_ids: set[int]
    answers_by_tag: dict[str, int]  # "" counts every accepted answer

    def meets(self, badge: Badge) -> bool:
        if (
            badge.required_certification_id
            and badge.required_certification_id not in self.certification_ids
        ):
            return False
        return self.answers_by_tag.get(badge.answer_tag, 0) >= badge.min_accepted_answers


def _evidence(*, member, badges: list[Badge], now: datetime) -> _Evidence:
    """What the rules of ``badges`` read about ``member``: at most two queries in all."""
    certification_ids: set[int] = set()
    if any(badge.required_certification_id for badge in badges):
        certification_ids = valid_certification_ids(member=member, now=now)
    tags = sorted({badge.answer_tag for badge in badges if badge.min_accepted_answers})
    counts: dict[str, int] = {}
    if tags:
        totals = AcceptedAnswer.objects.filter(member_id=member.pk).aggregate(
            **{
                f"tag_{index}": Count("pk", filter=Q(tags__contains=[tag])) if tag else Count("pk")
                for index, tag in enumerate(tags)
            }
        )
        counts = {tag: totals[f"tag_{index}"] for index, tag in enumerate(tags)}
    return _Evidence(certification_ids=certification_ids, answers_by_tag=counts)


def badge_expiry(start: datetime, badge: Badge) -> datetime | None:
    """``start`` plus the badge's validity in calendar months; None when it never expires."""
    if not badge.validity_months:
        return None
    return start + relativedelta(months=badge.validity_months)


@transaction.atomic
def expert_badges_evaluate(*, member) -> list[BadgeAward]:
    """Award ``member`` every Expert badge whose rule they now meet; return the new awards.

    Call after the evidence changed (an accepted answer, a certification award); calling it
    again changes nothing. A member holding a valid award of a badge gets nothing new; one whose
    award expired gets a new one (the old stays, no longer current); one whose award was
    revoked gets none. Each new award is emailed to the member once the transaction commits
    (nothing is sent if it rolls back). Raises ``EvidenceError`` for a member not of this portal.
    """
    return _evaluate(member=_member_lock(member))


def _evaluate(*, member) -> list[BadgeAward]:
    """``expert_badges_evaluate`` for a member whose row this transaction has locked."""
    badges = list(expert_badges_live())
    if not badges:
        return []
    now = timezone.now()
    evidence = _evidence(member=member, badges=badges, now=now)
    earned = [badge for badge in badges if evidence.meets(badge)]
    if not earned:
        return []
    held = BadgeAward.objects.filter(member_id=member.pk, badge__in=earned).filter(
        Q(current=True) | Q(revoked_at__isnull=False)
    )
    blocked: set[int] = set()
    lapsed: dict[int, BadgeAward] = {}
    for award in held:
        if award.status_at(now) == BadgeAward.Status.EXPIRED and award.current:
            lapsed[award.badge_id] = award
        else:
            blocked.add(award.badge_id)
    awards = []
    for badge in earned:
        if badge.pk in blocked:
            continue
        award = _award(member=member, badge=badge, previous=lapsed.get(badge.pk), now=now)
        if award is not None:
            awards.append(award)
    return awards


def _award(*, member, badge: Badge, previous: BadgeAward | None, now: datetime):
    """Make one award in a savepoint; None if the constraint says the member already has it."""
    try:
        with transaction.atomic():
            if previous is not None:
                previous.current = False
                previous.save(update_fields=["current"])
            award = BadgeAward.objects.create(
                member=member,
                badge=badge,
                issued_at=now,
                expires_at=badge_expiry(now, badge),
            )
    except IntegrityError:
        return None
    message = _awarded_email(award=award)
    send_on_commit(message)
    return award


def _awarded_email(*, award: BadgeAward) -> EmailMessage:
    badge = award.badge
    return credential_email(
        template="certification/email/expert_badge_awarded.txt",
        subject=f"Expert badge earned: {badge.name}",
        award=award,
        badge=badge,
        criteria=badge_criteria(badge),
    )
