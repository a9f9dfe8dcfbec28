"""allauth customised in one place: emails and TOTP carry the portal's name, not Guildhall's.

Also where sign-up stores the display name and credits the member whose referral link brought
the new member (``attribute_referral``), and where staff are kept from removing their last
second factor (staff must use MFA; see ``portal.accounts.mfa``).
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import connection

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter

from portal.accounts import mfa


def portal_name() -> str:
    """The current portal's name from its brand settings, falling back to the Organization."""
    from wagtail.models import Site

    from portal.models import BrandSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        brand = BrandSettings.for_site(site)
        if brand.portal_name:
            return brand.portal_name
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "") or "Guildhall"


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{portal_name()}] {subject}"

    def get_from_email(self) -> str:
        """The portal's name as the sender's name, at the platform's sending address."""
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
        return formataddr((portal_name(), address))

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        portal_url = request.build_absolute_uri("/") if request is not None else ""
        context = {**context, "portal_name": portal_name(), "portal_url": portal_url}
        return super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        """Sign-up also asks for the name other members see."""
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "")
        if commit:
            user.save()
        return user


def attribute_referral(sender, request, user, **kwargs) -> None:
    """On ``allauth.account.signals.user_signed_up``: credit the referral link this browser
    brought (``portal.accounts.referral_views``), once. Every way of signing up sends the signal;
    a missing or bad code changes nothing and never stops the sign-up."""
    from portal.accounts.referral_services import referral_attribute
    from portal.accounts.referral_views import SESSION_KEY, remembered_code

    if request is None:
        return
    code = remembered_code(request)
    if code is None:
        return
    referral_attribute(referred=user, code=code)
    request.session.pop(SESSION_KEY, None)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": mfa.ERROR_STAFF_KEEP_MFA,
    }

    def get_totp_issuer(self) -> str:
        return portal_name()

    def _get_site_name(self) -> str:
        """Passkey prompts name the portal too."""
        return portal_name()

    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff may remove a second factor only while another one (not recovery codes) remains."""
        return mfa.can_remove(authenticator)
