"""Members' certification pages: "My certifications", the public transcript, exam vouchers.

Domain errors (``VoucherError``, ``ExamError``) become messages on the page, never a 500.
Each credential on these pages comes with the links of its verify page
(``verify_views.credential_links``), so both offer the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certification.award_selectors import (
    CertificationRecord,
    expert_badges_to_earn,
    member_badges,
    member_certifications,
    public_transcript,
    transcript_of,
)
from certification.award_services import transcript_set
from certification.models import Award, Badge, BadgeAward
from certification.selectors import exam_by_slug
from certification.services import ExamError
from certification.verify_views import CredentialLinks, credential_links, portal_name_of
from certification.voucher_services import VoucherError, voucher_redeem_for_exam

TRANSCRIPT_PUBLIC = "Your transcript is public: anyone with its address sees it."
TRANSCRIPT_PRIVATE = "Your transcript is private again."
VOUCHER_USED = "Voucher accepted: your attempt has started."
CODE_MISSING = "Enter the voucher code."


@dataclass(frozen=True)
class Card:
    """One credential on a member page: the certification's record or the badge award, and
    its links."""

    item: CertificationRecord | BadgeAward
    links: CredentialLinks


def _card(request: HttpRequest, item, award: Award | BadgeAward, name: str, portal: str) -> Card:
    links = credential_links(
        request,
        public_id=award.public_id,
        name=name,
        issued_at=award.issued_at,
        expires_at=award.expires_at,
        portal_name=portal,
    )
    return Card(item=item, links=links)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Each certification and badge the member earned: status, dates, renewal, history, and
    the links to show them off (verify page, certificate, badge image, LinkedIn)."""
    portal = portal_name_of(request)
    records = member_certifications(member=request.user)
    badges = member_badges(member=request.user)
    # Members without a valid Expert badge are shown how to earn one.
    has_expert = any(award.badge.kind == Badge.Kind.EXPERT and award.is_valid for award in badges)
    context = {
        "cards": [
            _card(request, record, record.latest, record.certification.name, portal)
            for record in records
        ],
        "badge_cards": [_card(request, award, award, award.badge.name, portal) for award in badges],
        "expert_offers": [] if has_expert else expert_badges_to_earn(),
        "transcript": transcript_of(member=request.user),
    }
    return render(request, "certification/mine.html", context)


@login_required
@require_POST
def transcript_settings(request: HttpRequest) -> HttpResponse:
    """Make the member's transcript public ("public" ticked) or private."""
    public = request.POST.get("public") == "on"
    transcript_set(member=request.user, public=public)
    messages.success(request, TRANSCRIPT_PUBLIC if public else TRANSCRIPT_PRIVATE)
    return redirect("certification:mine")


def transcript(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's valid certifications and badges, for anyone, if the member made the
    transcript public."""
    shown = public_transcript(slug=slug)
    context = {"transcript": shown.transcript, "awards": shown.awards, "badges": shown.badges}
    return render(request, "certification/transcript.html", context)


@login_required
@require_POST
def exam_voucher(request: HttpRequest, slug: str) -> HttpResponse:
    """Redeem an exam voucher from the exam page and go to the attempt it starts."""
    exam = exam_by_slug(slug=slug)
    code = request.POST.get("code", "")
    if not code.strip():
        messages.error(request, CODE_MISSING)
        return redirect(exam.get_absolute_url())
    try:
        attempt = voucher_redeem_for_exam(member=request.user, exam=exam, code=code)
    except (VoucherError, ExamError) as error:
        messages.error(request, str(error))
        return redirect(exam.get_absolute_url())
    messages.success(request, VOUCHER_USED)
    return redirect("certification:attempt", attempt_id=attempt.pk)
