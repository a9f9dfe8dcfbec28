"""Members' certification pages: "My certifications", the public transcript, exam vouchers.

Domain errors (``VoucherError``, ``ExamError``) become messages on the page, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certification.award_selectors import member_certifications, public_transcript, transcript_of
from certification.award_services import transcript_set
from certification.selectors import exam_by_slug
from certification.services import ExamError
from certification.voucher_services import VoucherError, voucher_redeem_for_exam

TRANSCRIPT_PUBLIC = "Your transcript is public: anyone with its address sees it."
TRANSCRIPT_PRIVATE = "Your transcript is private again."
VOUCHER_USED = "Voucher accepted: your attempt has started."
CODE_MISSING = "Enter the voucher code."


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Each certification the member earned: status, dates, renewal and history."""
    context = {
        "records": member_certifications(member=request.user),
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
    """A member's valid certifications, for anyone, if the member made the transcript public."""
    transcript, awards = public_transcript(slug=slug)
    return render(
        request, "certification/transcript.html", {"transcript": transcript, "awards": awards}
    )


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
