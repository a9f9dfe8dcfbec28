"""Staff must use MFA: a staff member without a second factor is sent to set one up.

Runs after the URL is resolved (``process_view``), so the exemptions are by view, not by path
prefix: allauth's own views (login, logout, email, password, the MFA setup pages) stay reachable,
everything else (the portal, the Wagtail admin, the member's profile and export) does not. The
Wagtail admin also asks for MFA from anyone allowed into it, staff flag or not.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from allauth.mfa.models import Authenticator
from django_tenants.utils import get_public_schema_name

from portal.accounts import mfa

MESSAGE_SET_UP_MFA = (
    "Staff accounts must use two-factor authentication. Set up an authenticator app to continue."
)
ADMIN_PREFIX = "/admin/"


def _exempt(view_func) -> bool:
    """allauth's views (sign in/out, email, password, MFA setup) and the media file server."""
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith(("allauth.", "django.views.static"))


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        tenant = getattr(request, "tenant", None)
        if user is None or not user.is_authenticated or tenant is None:
            return None
        if tenant.schema_name == get_public_schema_name():
            return None
        if _is_webauthn_removal(request):
            refused = _refuse_last_webauthn_removal(request, view_kwargs)
            if refused is not None:
                return refused
        if not self._needs_mfa(request, user) or mfa.mfa_checked(request):
            return None
        if mfa.has_second_factor(user):
            mfa.remember_mfa_check(request)
            return None
        if _exempt(view_func):
            return None
        messages.warning(request, MESSAGE_SET_UP_MFA)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")

    @staticmethod
    def _needs_mfa(request, user) -> bool:
        if mfa.mfa_required(user):
            return True
        return request.path.startswith(ADMIN_PREFIX) and user.has_perm("wagtailadmin.access_admin")


def _is_webauthn_removal(request) -> bool:
    match = request.resolver_match
    return (
        request.method == "POST" and match is not None and match.url_name == "mfa_remove_webauthn"
    )


def _refuse_last_webauthn_removal(request, view_kwargs) -> HttpResponseRedirect | None:
    """allauth asks the adapter before removing TOTP but not before removing a security key."""
    authenticator = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN, pk=view_kwargs.get("pk")
    ).first()
    if authenticator is None or mfa.can_remove(authenticator):
        return None
    messages.error(request, mfa.ERROR_STAFF_KEEP_MFA)
    return redirect("mfa_list_webauthn")
