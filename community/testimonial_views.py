"""The author's testimonial pages: "My testimonials", writing, reading the staff's version with
its differences and approving it, and withdrawing consent.

Only the author reaches a testimonial's pages (``access_testimonial``: others, staff
included, get a 404; staff work in the admin). Writes go through ``testimonial_services``; a
refusal is shown on the page (status 400, or 409 when the testimonial changed meanwhile),
never a 500. The testimonials page itself is a Wagtail page (``TestimonialsPage``).
"""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from community.models import Testimonial
from community.testimonial_selectors import access_testimonial, testimonials_of, text_diff
from community.testimonial_services import (
    STAFF_STALE,
    STALE,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    WITHDRAWABLE,
    WRITABLE,
    TestimonialError,
    testimonial_approve,
    testimonial_version,
    testimonial_withdraw,
    testimonial_write,
)
from portal.accounts.api import public_profile

Status = Testimonial.Status

SUBMITTED = "Thank you! Staff will proofread your testimonial; you approve the final text."
APPROVED = "Thank you: your testimonial is published. You can withdraw it at any time."
WITHDRAWN = "Your testimonial is withdrawn; it is no longer shown anywhere."
INVITATION_DECLINED = "No problem: the invitation is closed."

RATING_CHOICES = [("", "No rating"), *[(str(n), f"{n} out of 5") for n in range(5, 0, -1)]]

#: What each status means to the author, shown on their pages.
STATUS_HELP = {
    Status.INVITED: "You are invited to write a testimonial.",
    Status.SUBMITTED: "Staff are proofreading it. Nothing is published before you approve it.",
    Status.AWAITING_AUTHOR: "Staff proofread it: read their version and approve it to publish.",
    Status.PUBLISHED: "Published with your approval. You can withdraw it at any time.",
    Status.WITHDRAWN: "You withdrew it; it is not shown anywhere.",
    Status.DECLINED: "Staff decided not to publish it.",
}


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label="Your testimonial",
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        strip=True,
        help_text=(
            f"Plain text, {TEXT_MIN} to {TEXT_MAX:,} characters: what you learned, what changed "
            "for you. Staff may correct it; you approve the final text before it is published."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    author_title = forms.CharField(
        label="How should we introduce you?",
        max_length=TITLE_MAX,
        required=False,
        help_text="For example your job title and company. Shown beside your public name.",
    )


def _initial(testimonial: Testimonial) -> dict:
    text = testimonial.original_text
    if testimonial.status == Status.AWAITING_AUTHOR:
        text = testimonial.edited_text  # change the staff's version, or put your own back
    rating = "" if testimonial.rating is None else str(testimonial.rating)
    return {"text": text, "rating": rating, "author_title": testimonial.author_title}


def _context(testimonial: Testimonial, **more) -> dict:
    return {
        "community_section": "testimonials",
        "testimonial": testimonial,
        "status_help": STATUS_HELP[testimonial.status],
        "can_write": testimonial.status in WRITABLE,
        "can_withdraw": testimonial.status in WITHDRAWABLE,
        "author_name": public_profile(testimonial.author).name,
        **more,
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's invitations and testimonials, with what each waits for."""
    rows = [
        {"testimonial": row, "status_help": STATUS_HELP[row.status]}
        for row in testimonials_of(member=request.user)
    ]
    return render(
        request,
        "community/testimonials/mine.html",
        {"community_section": "testimonials", "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or rewrite the testimonial (invited, written, or waiting for the author)."""
    testimonial = access_testimonial(member=request.user, pk=pk)
    if testimonial.status not in WRITABLE:
        return redirect("community:testimonial", pk=testimonial.pk)
    form = TestimonialForm(request.POST or None, initial=_initial(testimonial))
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                testimonial_write(member=request.user, testimonial=testimonial, **form.cleaned_data)
            except TestimonialError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error))
            else:
                messages.success(request, SUBMITTED)
                return redirect("community:testimonial", pk=testimonial.pk)
        status = HTTPStatus.BAD_REQUEST
    context = _context(testimonial, form=form)
    return render(request, "community/testimonials/write.html", context, status=status)


def _detail(request: HttpRequest, testimonial: Testimonial, *, error: str = "", status=200):
    diff = None
    if testimonial.status == Status.AWAITING_AUTHOR:
        diff = text_diff(testimonial.original_text, testimonial.edited_text)
    context = _context(
        testimonial,
        diff=diff,
        version=testimonial_version(testimonial),
        error=error,
    )
    return render(request, "community/testimonials/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The testimonial as it stands; when staff's version waits, the differences from what the
    author wrote, the staff's note and "Approve and publish"."""
    return _detail(request, access_testimonial(member=request.user, pk=pk))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the version shown (its token in ``version``) and publish it."""
    testimonial = access_testimonial(member=request.user, pk=pk)
    try:
        testimonial_approve(
            member=request.user, testimonial=testimonial, version=request.POST.get("version", "")
        )
    except TestimonialError as error:
        fresh = access_testimonial(member=request.user, pk=pk)
        conflict = str(error) in (STALE, STAFF_STALE)
        status = HTTPStatus.CONFLICT if conflict else HTTPStatus.BAD_REQUEST
        return _detail(request, fresh, error=str(error), status=status)
    messages.success(request, APPROVED)
    return redirect("community:testimonial", pk=testimonial.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and withdraw consent (POST): unpublished at once."""
    testimonial = access_testimonial(member=request.user, pk=pk)
    if request.method == "POST":
        was_invitation = testimonial.status == Status.INVITED
        try:
            testimonial_withdraw(member=request.user, testimonial=testimonial)
        except TestimonialError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, INVITATION_DECLINED if was_invitation else WITHDRAWN)
        return redirect("community:testimonials_mine")
    if testimonial.status not in WITHDRAWABLE:
        return redirect("community:testimonial", pk=testimonial.pk)
    return render(request, "community/testimonials/withdraw.html", _context(testimonial))
