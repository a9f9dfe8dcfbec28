"""The referral programme's pages: "Invite colleagues" (the member's link and who signed up
through it) and ``/r/<code>/``, where a link leads.

A visit remembers the code in the session and in a signed cookie (30 days, this portal's host
only) and sends the visitor to sign up; ``portal.accounts.adapters`` reads it back when they do.
Unknown codes are ignored without a word (the visitor still lands on sign-up, so a link's
validity cannot be probed), and a member who is already signed in is not attributed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.accounts import referral_selectors, referral_services
from portal.accounts.adapters import portal_name

SESSION_KEY = "referral_code"
COOKIE_NAME = "gh_referral"
COOKIE_SALT = "portal.accounts.referral"
COOKIE_MAX_AGE = 30 * 24 * 60 * 60
MESSAGE_INVITED = "{name} invited you to {portal}. Create your free account below."


def remembered_code(request: HttpRequest) -> str | None:
    """The referral code this browser brought, from the session or else the signed cookie."""
    code = request.session.get(SESSION_KEY)
    if not code:
        code = request.get_signed_cookie(
            COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
        )
    return referral_services.code_normalise(code)


@never_cache
@require_GET
def referral_visit(request: HttpRequest, code: str) -> HttpResponse:
    """``/r/<code>/``: remember who invited the visitor, then on to sign-up."""
    if request.user.is_authenticated:
        return redirect("/")
    response = redirect("account_signup")
    referrer = referral_selectors.referrer_for_code(code=code)
    if referrer is None:
        return response
    stored = referral_services.code_normalise(code)
    request.session[SESSION_KEY] = stored
    response.set_signed_cookie(
        COOKIE_NAME,
        stored,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    messages.info(request, MESSAGE_INVITED.format(name=referrer.public_name, portal=portal_name()))
    return response


@login_required
@require_GET
def invite(request: HttpRequest) -> HttpResponse:
    """/accounts/invite/: the member's referral link with a copy button, and their sign-ups."""
    code = referral_services.referral_code_ensure(member=request.user)
    link = request.build_absolute_uri(reverse("referral_visit", args=[code.code]))
    return render(
        request,
        "accounts/invite.html",
        {
            "link": link,
            "referrals": referral_selectors.member_referrals(member=request.user),
        },
    )
