"""Staff must use MFA: a staff member without an authenticator is sent to set one up."""

from django.shortcuts import redirect
from django.urls import reverse

from allauth.mfa.models import Authenticator

SESSION_KEY = "guildhall_staff_mfa_ok"


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.session.get(SESSION_KEY)
            and getattr(request, "tenant", None) is not None
            and request.tenant.schema_name != "public"
        ):
            if Authenticator.objects.filter(user=user).exists():
                request.session[SESSION_KEY] = True
            elif not request.path.startswith(("/accounts/", "/static/", "/media/")):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)
