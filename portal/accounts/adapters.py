"""allauth customised in one place: emails and TOTP carry the portal's name, not Guildhall's."""

from django.db import connection

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


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

    def send_mail(self, template_prefix, email, context):
        context = {**context, "portal_name": portal_name()}
        return super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return portal_name()
