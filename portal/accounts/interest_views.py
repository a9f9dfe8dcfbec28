"""/accounts/interests/: the member states the topics and products they care about, which
"My learning" turns into recommendations (``community.interest_selectors``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from community.interest_selectors import interest_choices, interests_of
from community.interest_services import SAVED, InterestError, interests_set
from portal.accounts.forms import InterestsForm


@login_required
@require_http_methods(["GET", "POST"])
def interests_edit(request: HttpRequest) -> HttpResponse:
    """Checkboxes of every topic and product, the member's own ticked. Three queries to show."""
    choices = interest_choices()
    current = interests_of(member=request.user)
    form = InterestsForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"tags": sorted(current.tag_ids), "areas": sorted(current.area_ids)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            interests_set(
                member=request.user,
                tag_ids=form.cleaned_data["tags"],
                area_ids=form.cleaned_data["areas"],
            )
        except InterestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, SAVED)
            return redirect("interests_edit")
    return render(
        request,
        "accounts/interests.html",
        {"form": form, "choices": choices, "current": current},
    )
