"""The member's own pages: profile, data export and account deletion."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.accounts import export, selectors, services
from portal.accounts.adapters import portal_name
from portal.accounts.forms import MemberDeleteForm, ProfileForm

MESSAGE_PROFILE_SAVED = "Your profile has been saved."
MESSAGE_MEMBER_DELETED = "Your account and your data have been deleted. Goodbye!"


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, request.FILES or None, initial=ProfileForm.initial_for(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                user=user,
                display_name=data["display_name"],
                bio=data["bio"],
                country=data["country"],
                languages=data["languages"],
                time_zone=data["time_zone"],
                **form.avatar_change(),
            )
        except services.AccountError as exc:
            _add_error(form, exc)
            user.refresh_from_db()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            user.refresh_from_db()
        else:
            messages.success(request, MESSAGE_PROFILE_SAVED)
            return redirect("profile_edit")
    context = {
        "form": form,
        "email_addresses": selectors.email_addresses_for(user=user),
        "authenticators": selectors.authenticators_for(user=user),
    }
    return render(request, "accounts/profile_edit.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_export(request: HttpRequest) -> HttpResponse:
    """Download everything the portal holds about the member as a JSON file."""
    data = export.member_export(user=request.user, portal=portal_name())
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"{request.tenant.slug}-member-{request.user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_delete(request: HttpRequest) -> HttpResponse:
    form = MemberDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_delete(user=request.user, password=form.cleaned_data["password"])
        except services.AccountError as exc:
            _add_error(form, exc)
        else:
            logout(request)
            messages.success(request, MESSAGE_MEMBER_DELETED)
            return redirect("/")
    return render(request, "accounts/member_delete.html", {"form": form})


def _add_error(form, exc: services.AccountError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
