"""Reads about a member that views, the export and other apps reuse."""

from django.db.models import QuerySet

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from portal.accounts.models import User


def email_addresses_for(*, user: User) -> QuerySet[EmailAddress]:
    """The member's email addresses, primary first."""
    return EmailAddress.objects.filter(user_id=user.pk).order_by("-primary", "email")


def authenticators_for(*, user: User) -> QuerySet[Authenticator]:
    """The member's second factors, without their secrets (``data`` is never loaded)."""
    return (
        Authenticator.objects.filter(user_id=user.pk)
        .only("id", "user_id", "type", "created_at", "last_used_at")
        .order_by("created_at")
    )
