"""Who must use two-factor authentication, and the rules that keep them using it.

Staff (the portal's Wagtail editors and moderators) and superusers must have a second factor: an
authenticator app (TOTP) or a security key/passkey (WebAuthn). Recovery codes alone don't count:
allauth deletes them when the last real factor goes.

The middleware caches "this staff member has MFA" in the session (one query saved per request);
``forget_mfa_check`` clears it whenever an authenticator is removed.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from allauth.mfa.models import Authenticator

SESSION_KEY = "guildhall_staff_mfa_ok"
ERROR_STAFF_KEEP_MFA = (
    "Staff must keep two-factor authentication. Add another authenticator app or security key "
    "first, then remove this one."
)


def mfa_required(user: AbstractBaseUser) -> bool:
    """Staff and superusers must use a second factor."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def has_second_factor(user: AbstractBaseUser) -> bool:
    """True if the user has a TOTP or WebAuthn authenticator (recovery codes don't count)."""
    return (
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def can_remove(authenticator: Authenticator) -> bool:
    """Whether the authenticator's owner may remove it: staff must keep another real factor."""
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return True
    if not mfa_required(authenticator.user):
        return True
    return (
        Authenticator.objects.filter(user_id=authenticator.user_id)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exclude(pk=authenticator.pk)
        .exists()
    )


def mfa_checked(request: HttpRequest) -> bool:
    """The session remembers that this user (by primary key) was found to have MFA."""
    return request.session.get(SESSION_KEY) == request.user.pk


def remember_mfa_check(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = request.user.pk


def forget_mfa_check(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Signal receiver for allauth's ``authenticator_removed``: check again on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
