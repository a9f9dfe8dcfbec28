"""The public verify page of a credential and its PDF certificate, for anyone with the link.

A credential is a certification award, an Expert badge, the MVP title or a recognition award
(``certification.credentials``). Its verify page is the proof employers check, so it shows who
holds what, since when, until when, and whether it still stands, to visitors and members alike;
it names the member by their public name, never their e-mail. An unknown id, a malformed one
or another portal's is a 404. A revoked credential keeps its verify page (that is how people
learn it was revoked) but has no certificate any more (410).

``credential_links`` builds the addresses a credential is shared by (verify, certificate, baked
badge, LinkedIn), so "My certifications" and this page offer the same ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from certification.certificate_pdf import Certificate, certificate_document
from certification.credentials import CredentialRecord, credential_by_public_id
from certification.models import CredentialStatus
from portal.accounts.api import public_profile, viewer_zone
from portal.models import BrandSettings

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
REVOKED_NO_CERTIFICATE = (
    "This credential was revoked, so it has no certificate. Its verify page says why: {url}\n"
)


@dataclass(frozen=True)
class CredentialLinks:
    """The addresses of one credential; ``verify_url`` is absolute (it is shared)."""

    verify_url: str
    certificate_url: str
    badge_png_url: str
    assertion_url: str
    linkedin_add_url: str
    linkedin_share_url: str


def portal_name_of(request: HttpRequest) -> str:
    """The portal's name as its header shows it (the brand settings, cached on the request)."""
    return BrandSettings.for_request(request).portal_name or request.tenant.name


def linkedin_add_url(
    *,
    name: str,
    organization: str,
    issued_at: datetime,
    expires_at: datetime | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "Add licence or certification" form, filled in (dates by UTC month)."""
    issued = issued_at.astimezone(UTC)
    params = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", name),
        ("organizationName", organization),
        ("issueYear", str(issued.year)),
        ("issueMonth", str(issued.month)),
    ]
    if expires_at is not None:
        expires = expires_at.astimezone(UTC)
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


def credential_links(
    request: HttpRequest,
    *,
    public_id: uuid.UUID,
    name: str,
    issued_at: datetime,
    expires_at: datetime | None,
    portal_name: str,
) -> CredentialLinks:
    """Every address of the credential ``public_id`` (no queries)."""
    verify_url = request.build_absolute_uri(reverse("credentials:verify", args=[public_id]))
    return CredentialLinks(
        verify_url=verify_url,
        certificate_url=reverse("credentials:certificate_pdf", args=[public_id]),
        badge_png_url=reverse("credentials:badge_png", args=[public_id]),
        assertion_url=reverse("credentials:ob_assertion", args=[public_id]),
        linkedin_add_url=linkedin_add_url(
            name=name,
            organization=portal_name,
            issued_at=issued_at,
            expires_at=expires_at,
            cert_url=verify_url,
            cert_id=str(public_id),
        ),
        linkedin_share_url=f"{LINKEDIN_SHARE}?{urlencode({'url': verify_url}, quote_via=quote)}",
    )


def _links_of(request: HttpRequest, record: CredentialRecord, portal_name: str):
    return credential_links(
        request,
        public_id=record.public_id,
        name=record.name,
        issued_at=record.issued_at,
        expires_at=record.expires_at,
        portal_name=portal_name,
    )


def _summary(record: CredentialRecord, holder: str, portal_name: str) -> str:
    """One sentence for link previews (Open Graph), true whatever the status."""
    return f"{record.kind_label} “{record.name}” issued to {holder} by {portal_name}: " + (
        record.status_label.lower()
    )


def verify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Who holds the credential, what it is, when it was issued, until when, and its status."""
    record = credential_by_public_id(public_id)
    portal_name = portal_name_of(request)
    holder = public_profile(record.member).name
    context = {
        "record": record,
        "holder": holder,
        "portal_name": portal_name,
        "links": _links_of(request, record, portal_name),
        "zone": viewer_zone(member=request.user),
        "summary": _summary(record, holder, portal_name),
        "superseded_at": record.award.superseded_at,
    }
    response = render(request, "certification/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def certificate_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The credential's PDF certificate; 410 once revoked (the verify page says why)."""
    record = credential_by_public_id(public_id)
    portal_name = portal_name_of(request)
    verify_url = request.build_absolute_uri(reverse("credentials:verify", args=[public_id]))
    if record.status == CredentialStatus.REVOKED:
        return HttpResponse(
            REVOKED_NO_CERTIFICATE.format(url=verify_url),
            status=HTTPStatus.GONE,
            content_type="text/plain; charset=utf-8",
        )
    certificate = Certificate(
        portal_name=portal_name,
        member_name=public_profile(record.member).name,
        credential_name=record.name,
        kind=record.badge_kind,
        issued_at=record.issued_at,
        expires_at=record.expires_at,
        credential_id=str(record.public_id),
        verify_url=verify_url,
        slug=record.badge_slug,
        citation=record.citation,
    )
    response = HttpResponse(certificate_document(certificate), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=certificate.filename
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-cache"  # a revocation must show on the next download
    return response
