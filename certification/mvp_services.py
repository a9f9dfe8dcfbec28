"""Writes of the MVP programme: the MVP badge, nominations, approval (award or renewal),
decline, renewal from the staff list, and revoking badge awards.

Approving is race-safe the way ``award_services.award_for_pass`` is: the nominee's member row
is locked first, then the nomination is claimed by a conditional UPDATE on ``status =
'pending'``, so of two staff approving at once one awards and the other is told the nomination
was already reviewed. The partial unique constraint ``badgeaward_one_current_per_member_badge``
backs this up. Nominating twice is refused by ``nomination_one_pending_per_nominator``.

Renewal: approving a nominee who holds a valid MVP title (or "Renew for a year" in the staff
list) makes a new award issued now that runs on from the old expiry (renewing early loses
nothing); the old award is kept as history, marked renewed. A nominee whose title expired or
was revoked gets a new, unlinked award running from now.

Only the nominee is emailed (on approval or renewal, once the transaction commits, and on
revocation); nominators are never emailed and a decline note stays in the staff records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from certification.emails import credential_email, send_on_commit
from certification.models import Badge, BadgeAward, Nomination
from portal.links import portal_url

MVP_NAME = "Most Valuable Professional"
MVP_SLUG = "mvp"
MVP_DESCRIPTION = (
    "Awarded for a year to members the community nominated and staff chose for outstanding "
    "help to others: answers, talks, guides and mentoring."
)
MVP_VALIDITY_MONTHS = 12
RENEWAL_WINDOW_DAYS = 90
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 2000
EXPERTISE_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 1000

NOMINEE_UNKNOWN = "Choose a member of this portal to nominate."
NOMINEE_IS_SELF = "You cannot nominate yourself."
NOMINEE_ALREADY_MVP = (
    "{name} already holds the MVP title, until {date}. Renewal nominations open {days} days "
    "before it expires."
)
REASON_REQUIRED = "Say why you nominate this member."
REASON_TOO_SHORT = f"Say a little more: at least {REASON_MIN_LENGTH} characters."
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX_LENGTH} characters."
EXPERTISE_TOO_LONG = f"Keep the expertise under {EXPERTISE_MAX_LENGTH} characters."
ALREADY_NOMINATED = "You have already nominated this member; staff are reviewing it."
ALREADY_REVIEWED = "This nomination was already reviewed (perhaps by another reviewer)."
DECLINE_NOTE_REQUIRED = "Give a note for the decline: it is kept in the staff records."
NOTE_TOO_LONG = f"Keep the note under {NOTE_MAX_LENGTH} characters."
MVP_INACTIVE = "The MVP badge is switched off (Certification › Badges): switch it on to award it."
NOT_RENEWABLE = "This MVP title is no longer current: it was renewed, revoked or has expired."
REVOKE_REASON_REQUIRED = "Give the reason for revoking: the member is told."
REVOKE_REASON_TOO_LONG = f"Keep the reason under {NOTE_MAX_LENGTH} characters."
ALREADY_REVOKED = "This badge is already revoked."
RENEWED_FROM_LIST = "Settled by a renewal from the MVP list."


class MvpError(Exception):
    """A request of the MVP programme that cannot be carried out; the message is fit to show.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def mvp_badge_get_or_create() -> Badge:
    """The portal's one MVP badge, made on first use so a portal without one still works.

    Two first uses at once both try the insert; the ``badge_one_mvp_title`` constraint lets one
    win and the other reads the winner's row (the insert waits for it to commit). If an Expert
    badge already took the slug "mvp", the MVP badge gets "most-valuable-professional".
    """
    badge = Badge.objects.filter(kind=Badge.Kind.MVP).first()
    if badge is not None:
        return badge
    for slug in (MVP_SLUG, "most-valuable-professional"):
        try:
            with transaction.atomic():
                return Badge.objects.create(
                    kind=Badge.Kind.MVP,
                    name=MVP_NAME,
                    slug=slug,
                    description=MVP_DESCRIPTION,
                    validity_months=MVP_VALIDITY_MONTHS,
                )
        except IntegrityError:
            badge = Badge.objects.filter(kind=Badge.Kind.MVP).first()
            if badge is not None:
                return badge
    return Badge.objects.get(kind=Badge.Kind.MVP)


def expertise_normalise(expertise: str) -> str:
    """Comma separated areas, trimmed, without empties or repeats (case-insensitive)."""
    seen: dict[str, str] = {}
    for part in (expertise or "").split(","):
        part = " ".join(part.split())
        if part and part.lower() not in seen:
            seen[part.lower()] = part
    return ", ".join(seen.values())


def expertise_merge(texts: list[str]) -> str:
    """The areas of several nominations in one list, as many as fit in 200 characters."""
    merged = ""
    for area in expertise_normalise(", ".join(texts)).split(", "):
        candidate = f"{merged}, {area}" if merged else area
        if len(candidate) <= EXPERTISE_MAX_LENGTH:
            merged = candidate
    return merged


def _clean_expertise(expertise: str) -> str:
    expertise = expertise_normalise(expertise)
    if len(expertise) > EXPERTISE_MAX_LENGTH:
        raise MvpError(EXPERTISE_TOO_LONG, field="expertise")
    return expertise


def _clean_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise MvpError(DECLINE_NOTE_REQUIRED, field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise MvpError(NOTE_TOO_LONG, field="note")
    return note


def current_mvp_award(*, member_id: int) -> BadgeAward | None:
    """The member's current MVP award if it is valid now (not expired, renewed or revoked)."""
    award = (
        BadgeAward.objects.select_related("badge")
        .filter(member_id=member_id, badge__kind=Badge.Kind.MVP, current=True)
        .first()
    )
    if award is None or award.status_at(timezone.now()) != BadgeAward.Status.VALID:
        return None
    return award


def renewal_opens_at(award: BadgeAward) -> datetime | None:
    """From when a holder may be nominated again (a renewal nomination); None: never expires."""
    if award.expires_at is None:
        return None
    return award.expires_at - timedelta(days=RENEWAL_WINDOW_DAYS)


def nominee_refusal(*, nominator, nominee) -> str:
    """Why ``nominator`` may not nominate ``nominee`` now, or "" when they may.

    The nominate page asks it to show or hide the form, and ``nomination_create`` asks again.
    """
    if nominee is None or not nominee.is_active:
        return NOMINEE_UNKNOWN
    if nominee.pk == nominator.pk:
        return NOMINEE_IS_SELF
    held = current_mvp_award(member_id=nominee.pk)
    opens = renewal_opens_at(held) if held else None
    if held is not None and (opens is None or timezone.now() < opens):
        date = f"{held.expires_at:%-d %B %Y}" if held.expires_at else "it is withdrawn"
        return NOMINEE_ALREADY_MVP.format(
            name=nominee.public_name, date=date, days=RENEWAL_WINDOW_DAYS
        )
    return ""


@transaction.atomic
def nomination_create(
    *, nominator, nominee_id: int, reason: str, expertise: str = ""
) -> Nomination:
    """``nominator`` nominates a member of this portal for the MVP title, with a reason.

    Refused (``MvpError``) for an unknown or inactive member, oneself, a member holding a
    valid MVP title outside its last 90 days, a reason outside 20..2000 characters, expertise
    over 200 characters, or a second pending nomination of the same member by the same
    nominator (the unique constraint catches a race). The nominee is not told.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MvpError(REASON_REQUIRED, field="reason")
    if len(reason) < REASON_MIN_LENGTH:
        raise MvpError(REASON_TOO_SHORT, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise MvpError(REASON_TOO_LONG, field="reason")
    expertise = _clean_expertise(expertise)
    nominee = get_user_model().objects.filter(pk=nominee_id).first()
    refusal = nominee_refusal(nominator=nominator, nominee=nominee)
    if refusal:
        raise MvpError(refusal)
    pending = Nomination.objects.filter(
        nominee=nominee, nominated_by=nominator, status=Nomination.Status.PENDING
    )
    if pending.exists():
        raise MvpError(ALREADY_NOMINATED)
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                nominee=nominee, nominated_by=nominator, reason=reason, expertise=expertise
            )
    except IntegrityError as error:
        raise MvpError(ALREADY_NOMINATED) from error


def _lock_member(member_id: int):
    return get_user_model().objects.select_for_update().get(pk=member_id)


def _award_or_renew(*, member, badge: Badge, awarded_by, expertise: str, now) -> BadgeAward:
    """A new MVP award for ``member`` (row locked by the caller), renewing a valid one.

    A valid current award is marked renewed and the new one runs on from its expiry; an expired
    current award just stops being current. A validity of 0 months counts as 12: the title is
    always for a limited time.
    """
    previous = (
        BadgeAward.objects.select_for_update()
        .filter(member=member, badge=badge, current=True)
        .first()
    )
    holding = previous is not None and previous.status_at(now) == BadgeAward.Status.VALID
    if previous is not None:
        previous.current = False
        fields = ["current"]
        if holding:
            previous.superseded_at = now
            fields.append("superseded_at")
        previous.save(update_fields=fields)
    start = previous.expires_at if holding and previous.expires_at else now
    months = badge.validity_months or MVP_VALIDITY_MONTHS
    return BadgeAward.objects.create(
        member=member,
        badge=badge,
        issued_at=now,
        expires_at=max(start, now) + relativedelta(months=months),
        renewed_from=previous if holding else None,
        awarded_by=awarded_by,
        expertise=expertise,
    )


@transaction.atomic
def nomination_approve(
    *, nomination: Nomination, reviewed_by, note: str = "", expertise: str | None = None
) -> BadgeAward:
    """Approve a nomination: award the MVP title for a year, or renew a valid one.

    Every pending nomination of the same nominee is approved with it and linked to the award.
    ``expertise`` (default: the nominations' own, merged) is shown in the directory. Raises
    ``MvpError`` when the nomination was already reviewed (two reviewers at once: one wins),
    for a note or expertise too long, or when the MVP badge is switched off. The nominee is
    emailed the verify link once this commits.
    """
    note = _clean_note(note, required=False)
    badge = mvp_badge_get_or_create()
    if not badge.active:
        raise MvpError(MVP_INACTIVE)
    member = _lock_member(nomination.nominee_id)
    now = timezone.now()
    review = {"reviewed_at": now, "reviewed_by": reviewed_by, "review_note": note}
    claimed = Nomination.objects.filter(pk=nomination.pk, status=Nomination.Status.PENDING)
    if not claimed.update(status=Nomination.Status.APPROVED, **review):
        raise MvpError(ALREADY_REVIEWED)
    pending = Nomination.objects.filter(nominee=member, status=Nomination.Status.PENDING)
    if expertise is None:
        texts = [nomination.expertise, *pending.values_list("expertise", flat=True)]
        expertise = expertise_merge(texts)
    award = _award_or_renew(
        member=member,
        badge=badge,
        awarded_by=reviewed_by,
        expertise=_clean_expertise(expertise),
        now=now,
    )
    pending.update(status=Nomination.Status.APPROVED, award=award, **review)
    Nomination.objects.filter(pk=nomination.pk).update(award=award)
    send_on_commit(_awarded_email(award))
    return award


@transaction.atomic
def nomination_decline(*, nomination: Nomination, reviewed_by, note: str) -> int:
    """Decline a nomination and the nominee's other pending ones, with a required note.

    The note is for the staff records: nobody is emailed. Returns how many nominations were
    declined. Raises ``MvpError`` without a note, with one too long, or when the nomination
    was already reviewed.
    """
    note = _clean_note(note, required=True)
    review = {
        "status": Nomination.Status.DECLINED,
        "reviewed_at": timezone.now(),
        "reviewed_by": reviewed_by,
        "review_note": note,
    }
    claimed = Nomination.objects.filter(pk=nomination.pk, status=Nomination.Status.PENDING)
    if not claimed.update(**review):
        raise MvpError(ALREADY_REVIEWED)
    others = Nomination.objects.filter(
        nominee_id=nomination.nominee_id, status=Nomination.Status.PENDING
    ).update(**review)
    return 1 + others


@transaction.atomic
def mvp_renew(*, award: BadgeAward, renewed_by) -> BadgeAward:
    """Staff renew a valid MVP title for another period, running on from its expiry.

    The member's pending (renewal) nominations are settled as approved with the new award, so
    the queue does not renew twice. Raises ``MvpError`` when the award is no longer the
    member's valid current title. The member is emailed once this commits.
    """
    member = _lock_member(award.member_id)
    now = timezone.now()
    fresh = BadgeAward.objects.select_related("badge").filter(pk=award.pk).first()
    if (
        fresh is None
        or not fresh.badge.is_mvp
        or not fresh.current
        or fresh.status_at(now) != BadgeAward.Status.VALID
    ):
        raise MvpError(NOT_RENEWABLE)
    if not fresh.badge.active:
        raise MvpError(MVP_INACTIVE)
    renewed = _award_or_renew(
        member=member, badge=fresh.badge, awarded_by=renewed_by, expertise=fresh.expertise, now=now
    )
    Nomination.objects.filter(nominee=member, status=Nomination.Status.PENDING).update(
        status=Nomination.Status.APPROVED,
        award=renewed,
        reviewed_at=now,
        reviewed_by=renewed_by,
        review_note=RENEWED_FROM_LIST,
    )
    send_on_commit(_awarded_email(renewed))
    return renewed


@transaction.atomic
def badge_award_revoke(*, award: BadgeAward, reason: str, revoked_by) -> BadgeAward:
    """Staff revoke a badge award (an MVP title or an Expert badge) with a reason.

    The award stays in the member's history as revoked and leaves the MVP directory; the member
    is emailed the reason once this commits. Raises ``MvpError`` without a reason, with one too
    long, or when the award is already revoked.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MvpError(REVOKE_REASON_REQUIRED, field="reason")
    if len(reason) > NOTE_MAX_LENGTH:
        raise MvpError(REVOKE_REASON_TOO_LONG, field="reason")
    updated = BadgeAward.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by, revocation_reason=reason, current=False
    )
    if not updated:
        raise MvpError(ALREADY_REVOKED)
    award = BadgeAward.objects.select_related("member", "badge").get(pk=award.pk)
    send_on_commit(
        _email(
            template="certification/email/mvp_revoked.txt",
            subject=f"Revoked: {award.badge.name}",
            award=award,
        )
    )
    return award


def _awarded_email(award: BadgeAward) -> EmailMessage:
    renewal = award.renewed_from_id is not None
    return _email(
        template="certification/email/mvp_awarded.txt",
        subject=f"{'Renewed' if renewal else 'You are an MVP'}: {award.badge.name}",
        award=award,
        renewal=renewal,
    )


def _email(*, template: str, subject: str, award: BadgeAward, **context) -> EmailMessage:
    return credential_email(
        template=template,
        subject=subject,
        award=award,
        badge=award.badge,
        directory_url=portal_url(reverse("certification:mvp_directory")),
        **context,
    )
