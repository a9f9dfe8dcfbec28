"""Members' pages of the MVP programme: the public MVP directory and the nominate form.

Members are never looked up by e-mail here (privacy): the form takes the nominee's public
profile id (``?member=<pk>``, as "Nominate" links on pages that show a member pass it) and shows
their public name. Staff find members by name or e-mail in the admin. ``MvpError`` becomes a
form error, never a 500.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certification.mvp_selectors import mvp_directory, nominee_by_id
from certification.mvp_services import (
    EXPERTISE_MAX_LENGTH,
    NOMINEE_UNKNOWN,
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
    MvpError,
    nomination_create,
    nominee_refusal,
)
from certification.staff.mvp import can_manage_mvp
from portal.accounts.api import public_profile

NOMINATED = (
    "Thank you: your nomination of {name} is with staff. {name} is told only if it is approved."
)


class NominateForm(forms.Form):
    """The reason and expertise; the service checks them (its messages are the errors)."""

    member = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why do they deserve it?",
        required=False,
        strip=False,
        help_text=f"What they did for others: answers, talks, guides, mentoring "
        f"({REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} characters). Only staff read it.",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": REASON_MAX_LENGTH}),
    )
    expertise = forms.CharField(
        label="Areas of expertise (optional)",
        required=False,
        help_text="Comma separated, e.g. “Kubernetes, networking”. Shown in the MVP directory "
        "if approved.",
        widget=forms.TextInput(attrs={"maxlength": EXPERTISE_MAX_LENGTH}),
    )


def directory(request: HttpRequest) -> HttpResponse:
    """/certification/mvp/: the valid MVPs, for anyone, filtered by country and expertise."""
    context = {
        "directory": mvp_directory(
            country=request.GET.get("country", ""), expertise=request.GET.get("expertise", "")
        ),
        "can_manage_mvp": can_manage_mvp(user=request.user),
    }
    return render(request, "certification/mvp/directory.html", context)


@login_required
def nominate(request: HttpRequest) -> HttpResponse:
    """Nominate the member ``?member=<pk>`` with a reason; without one, ask for their number."""
    data = request.POST if request.method == "POST" else None
    requested = (data or request.GET).get("member", "")
    nominee = nominee_by_id(member_id=requested) if str(requested).strip() else None
    form = NominateForm(data, initial={"member": nominee.pk if nominee else ""})
    refusal = ""
    if str(requested).strip() and nominee is None:
        refusal = NOMINEE_UNKNOWN
    elif nominee is not None:
        refusal = nominee_refusal(nominator=request.user, nominee=nominee)
    if data is not None and nominee is not None and not refusal and form.is_valid():
        try:
            nomination_create(
                nominator=request.user,
                nominee_id=nominee.pk,
                reason=form.cleaned_data["reason"],
                expertise=form.cleaned_data["expertise"],
            )
        except MvpError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, NOMINATED.format(name=nominee.public_name))
            return redirect("certification:mvp_directory")
    context = {
        "form": form,
        "nominee": public_profile(nominee) if nominee is not None else None,
        "refusal": refusal,
        "requested": requested if str(requested).strip() else "",
        "can_manage_mvp": can_manage_mvp(user=request.user),
    }
    return render(request, "certification/mvp/nominate.html", context)
