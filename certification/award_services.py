"""Writes of certifications: award on a pass, renew, revoke, expiry reminders, transcripts.

``award_for_pass`` runs inside ``services.attempt_submit``'s transaction, right after the
conditional UPDATE that submitted the attempt, so a double submit awards once; the member's row
is locked first, so two exams passed at once (the exam and its renewal exam) cannot both make a
current award, and the partial unique constraint backs this up.

Renewal: passing the renewal exam (or the exam, when there is none) while holding a valid award
creates a new award issued now that runs on from the old expiry date (renewing early loses
nothing); the old award is kept, marked renewed. Passing after expiry or revocation starts a
new, unlinked award running from now.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from certification.emails import credential_email, send_on_commit
from certification.expert import expert_badges_evaluate
from certification.models import Attempt, Award, Certification, Transcript
from portal.links import portal_url

REASON_REQUIRED = "Give the reason for revoking: the member is told."
REASON_TOO_LONG = "Keep the reason under 1000 characters."
ALREADY_REVOKED = "This award is already revoked."
REASON_MAX_LENGTH = 1000
REMINDER_DAYS = (30, 7)


class AwardError(Exception):
    """A request about awards that cannot be carried out; the message is fit to show."""


def expiry_after(start: datetime, certification: Certification) -> datetime | None:
    """``start`` plus the certification's validity in calendar months; None when unlimited."""
    if not certification.validity_months:
        return None
    return start + relativedelta(months=certification.validity_months)


def _certification_for(exam_id: int) -> Certification | None:
    return (
        Certification.objects.filter(exam_id=exam_id).first()
        or Certification.objects.filter(renewal_exam_id=exam_id).first()
    )


def award_for_pass(*, attempt: Attempt) -> Award | None:
    """Award (or renew) the certification a just-passed attempt earns; None if it earns none.

    Call inside the transaction that submitted the attempt (``attempt_submit`` does); a second
    call for the same attempt does nothing. A pass while holding a valid award renews it only
    inside the renewal window. A pass of the renewal exam without a valid award earns nothing
    (the exam page refuses such a start, so this only happens if the award expired or was
    revoked during the attempt). A new award then evaluates the member's Expert badges in the
    same transaction (holding the certification may complete a rule; see ``expert``).
    """
    if not attempt.passed or Award.objects.filter(attempt=attempt).exists():
        return None
    certification = _certification_for(attempt.exam_id)
    if certification is None:
        return None
    member = get_user_model().objects.select_for_update().filter(pk=attempt.member_id).first()
    now = timezone.now()
    previous = (
        Award.objects.select_for_update(of=("self",))
        .select_related("certification")
        .filter(member_id=attempt.member_id, certification=certification, current=True)
        .first()
    )
    holding = previous is not None and previous.status_at(now) == Award.Status.VALID
    is_renewal_exam = attempt.exam_id == certification.renew_exam.pk
    if not holding and attempt.exam_id != certification.exam_id:
        return None
    opens = previous.renewal_opens_at() if holding else None
    renewing = holding and is_renewal_exam and (opens is None or now >= opens)
    if renewing and opens is None:
        return None  # an award that never expires needs no renewal
    if holding and not renewing:
        return None
    if previous is not None:
        previous.current = False
        fields = ["current"]
        if renewing:
            previous.superseded_at = now
            fields.append("superseded_at")
        previous.save(update_fields=fields)
    start = previous.expires_at if renewing and previous.expires_at else now
    award = Award.objects.create(
        member=member,
        certification=certification,
        attempt=attempt,
        issued_at=now,
        expires_at=expiry_after(max(start, now), certification),
        renewed_from=previous if renewing else None,
    )
    expert_badges_evaluate(member=member)  # holding the certification may complete a rule
    return award


def _email(*, template: str, subject: str, award: Award, **context) -> EmailMessage:
    return credential_email(
        template=template,
        subject=f"{subject}: {award.certification.name}",
        award=award,
        certification=award.certification,
        mine_url=portal_url(reverse("certification:mine")),
        **context,
    )


@transaction.atomic
def award_revoke(*, award: Award, reason: str, revoked_by) -> Award:
    """Staff revoke an award with a reason; the member is emailed it once this commits.

    The award stays in the member's history as revoked. Raises ``AwardError`` without a
    reason, with one too long, or when the award is already revoked.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AwardError(REASON_REQUIRED)
    if len(reason) > REASON_MAX_LENGTH:
        raise AwardError(REASON_TOO_LONG)
    now = timezone.now()
    updated = Award.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=revoked_by, revocation_reason=reason, current=False
    )
    if not updated:
        raise AwardError(ALREADY_REVOKED)
    award = Award.objects.select_related("member", "certification").get(pk=award.pk)
    message = _email(
        template="certification/email/award_revoked.txt",
        subject="Certification revoked",
        award=award,
    )
    send_on_commit(message)
    return award


def reminders_send() -> int:
    """Email holders whose award expires in 30 days, then in 7 days, once each; in this portal.

    Each reminder is claimed by a conditional UPDATE of its ``reminder_<days>_sent_at`` before
    the email is sent, so two runs at once never send it twice; a failed delivery releases the
    claim for the next run. An award first seen within 7 days of expiry gets only the 7-day
    reminder. Renewed and revoked awards get none. Returns how many emails were sent.
    """
    now = timezone.now()
    sent = 0
    for days in REMINDER_DAYS:
        field = f"reminder_{days}_sent_at"
        later = [d for d in REMINDER_DAYS if d < days]
        lower = now + timedelta(days=max(later)) if later else now
        due = Award.objects.filter(
            current=True,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
            expires_at__gt=lower,
            expires_at__lte=now + timedelta(days=days),
            **{f"{field}__isnull": True},
        ).select_related("member", "certification__exam", "certification__renewal_exam")
        for award in due:
            claimed = Award.objects.filter(pk=award.pk, **{f"{field}__isnull": True})
            if not claimed.update(**{field: now}):
                continue
            renew_url = portal_url(award.certification.renew_exam.get_absolute_url())
            message = _email(
                template="certification/email/award_expiring.txt",
                subject=f"Expires in {days} days",
                award=award,
                days=days,
                renew_url=renew_url,
            )
            try:
                message.send()
            except Exception:
                claimed.update(**{field: None})
                raise
            sent += 1
    return sent


def transcript_set(*, member, public: bool) -> Transcript:
    """Make the member's transcript public or private; its address stays the same."""
    transcript, _ = Transcript.objects.get_or_create(
        member=member, defaults={"slug": secrets.token_urlsafe(12).lower().replace("_", "-")}
    )
    if transcript.public != public:
        transcript.public = public
        transcript.save(update_fields=["public", "updated_at"])
    return transcript
