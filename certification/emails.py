"""E-mails about credentials (awards, renewals, revocations, Expert badges, MVP titles): one
shape for all, sent once the transaction that made the change commits."""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from portal.accounts.api import viewer_zone
from portal.links import portal_url


def credential_email(*, template: str, subject: str, award, **context) -> EmailMessage:
    """The e-mail to ``award``'s member: ``template`` rendered with the member, the award, their
    time zone, the portal's name and the award's verify address, plus ``context``; the subject
    is prefixed with the portal's name."""
    from portal.accounts.adapters import portal_name

    name = portal_name()
    body = render_to_string(
        template,
        {
            "member": award.member,
            "award": award,
            "zone": viewer_zone(member=award.member),
            "portal_name": name,
            "verify_url": portal_url(reverse("credentials:verify", args=[award.public_id])),
            **context,
        },
    )
    subject = " ".join(f"[{name}] {subject}".split())
    return EmailMessage(subject=subject, body=body, to=[award.member.email])


def send_on_commit(message: EmailMessage) -> None:
    """Send ``message`` once the current transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: get_connection().send_messages([message]), robust=True)
