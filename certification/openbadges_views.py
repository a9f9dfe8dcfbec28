"""Open Badges 2.0 hosted documents and images, served publicly on each portal's own host.

The addresses (``certification.public_urls``) are inside every badge issued: never change them.
Each document is built on the host the request came to, so a portal reached on two domains
answers with the one asked for, and a credential of another portal is simply not found (each
portal's rows live in its own schema).

Badge backpacks fetch these cross-origin, so every answer carries
``Access-Control-Allow-Origin: *``; caches keep them briefly, since an assertion may be revoked.
"""

from __future__ import annotations

import hashlib
import json
import logging
from email.utils import parseaddr
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from wagtail.images.models import SourceImageIOError

from certification import openbadges
from certification.credentials import credential_by_public_id
from certification.models import Award, Badge, BadgeAward, Certification, CredentialStatus
from portal.models import BrandSettings

logger = logging.getLogger(__name__)

JSON_LD = "application/ld+json; charset=utf-8"
DOCUMENT_MAX_AGE = 300  # seconds: assertions and the revocation list may change at any time
CLASS_MAX_AGE = 3600  # issuer, badge classes and their images change rarely
IMAGE_CACHE_SECONDS = 600
REVOKED_NO_BADGE = "This credential was revoked, so it has no badge to download."


def _base(request: HttpRequest) -> str:
    """The portal's origin as this request reached it: documents point at the same host."""
    return f"{request.scheme}://{request.get_host()}"


def _public(response: HttpResponse, *, max_age: int) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _json(document: dict, *, max_age: int, status: int = HTTPStatus.OK) -> HttpResponse:
    body = json.dumps(document, indent=2)  # ASCII-only: no guessing of the charset by clients
    return _public(HttpResponse(body, content_type=JSON_LD, status=status), max_age=max_age)


def _accent_colour() -> str:
    """The portal's accent colour, for drawn badges: one query (a portal has one Site)."""
    colour = (
        BrandSettings.objects.filter(site__is_default_site=True)
        .values_list("accent_colour", flat=True)
        .first()
    )
    return colour or BrandSettings._meta.get_field("accent_colour").default


def _badge_class(kind: str, slug: str) -> openbadges.BadgeClassInfo:
    """The certification or badge ``kind``/``slug`` names in this portal, or ``Http404``.

    One query. A badge asked for under the other kind ("mvp" for an Expert badge) is not found.
    """
    if kind == openbadges.KIND_CERTIFICATION:
        certification = (
            Certification.objects.select_related("exam", "badge_image").filter(slug=slug).first()
        )
        if certification is not None:
            return openbadges.class_of_certification(certification)
    elif kind in openbadges.KINDS:
        badge = (
            Badge.objects.select_related("image", "required_certification")
            .filter(kind=kind, slug=slug)
            .first()
        )
        if badge is not None:
            return openbadges.class_of_badge(badge)
    raise Http404("No such badge.")


def _rendition_png(image) -> bytes | None:
    """The editor's image as a PNG of at most 400x400, or None when it cannot be rendered."""
    if image.is_svg():
        return None  # Wagtail does not rasterise SVG: draw a plain badge instead
    try:
        rendition = image.get_rendition(openbadges.RENDITION_SPEC)
        with rendition.file.open("rb") as file:
            return file.read()
    except (SourceImageIOError, OSError, ValueError):
        logger.warning("Badge image %s could not be rendered; drawing a plain badge", image.pk)
        return None


def _class_png(badge_class: openbadges.BadgeClassInfo) -> bytes:
    """The badge class's image as PNG bytes, kept in the (per-portal) cache for ten minutes.

    The key names what the picture depends on (the image file, or the name and the portal's
    colour for a drawn badge), so an editor's change shows at once. A drawn badge costs one
    query (the colour); the editor's image costs none once cached.
    """
    image = badge_class.image
    if image is not None and not image.is_svg():
        parts = ["image", str(image.pk), image.file.name]
    else:
        image = None
        parts = ["drawn", badge_class.name, _accent_colour()]
    digest = hashlib.sha256("\x00".join([badge_class.kind, badge_class.slug, *parts]).encode())
    key = f"openbadges:png:{digest.hexdigest()}"  # the cache's key function adds the schema
    png = cache.get(key)
    if png is None:
        png = _rendition_png(image) if image is not None else None
        if png is None:
            colour = parts[2] if image is None else _accent_colour()
            png = openbadges.drawn_badge_png(name=badge_class.name, colour=colour)
        cache.set(key, png, IMAGE_CACHE_SECONDS)
    return png


@require_safe
def issuer(request: HttpRequest) -> HttpResponse:
    """The portal as an Open Badges Issuer: its name, address, contact and revocation list."""
    brand = BrandSettings.for_request(request)  # its logo joined: two queries
    logo = brand.logo
    document = openbadges.issuer_document(
        base=_base(request),
        name=brand.portal_name or request.tenant.name,
        email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        image_url=request.build_absolute_uri(logo.file.url) if logo is not None else "",
    )
    return _json(document, max_age=CLASS_MAX_AGE)


@require_safe
def revocations(request: HttpRequest) -> HttpResponse:
    """Every revoked award and badge of the portal, oldest revocation first: one query."""
    revoked = (
        Award.objects.filter(revoked_at__isnull=False)
        .values_list("public_id", "revocation_reason", "revoked_at")
        .union(
            BadgeAward.objects.filter(revoked_at__isnull=False).values_list(
                "public_id", "revocation_reason", "revoked_at"
            ),
            all=True,
        )
        .order_by("revoked_at", "public_id")
    )
    document = openbadges.revocation_list_document(
        ((public_id, reason) for public_id, reason, _ in revoked), base=_base(request)
    )
    return _json(document, max_age=DOCUMENT_MAX_AGE)


@require_safe
def badge_class(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """A certification, Expert badge or the MVP title as a BadgeClass."""
    document = openbadges.badge_class_document(_badge_class(kind, slug), base=_base(request))
    return _json(document, max_age=CLASS_MAX_AGE)


@require_safe
def badge_image(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The BadgeClass image: the editor's image as PNG, or a plain badge drawn in the portal's
    colour with the badge's initials."""
    png = _class_png(_badge_class(kind, slug))
    return _public(HttpResponse(png, content_type="image/png"), max_age=CLASS_MAX_AGE)


@require_safe
def assertion(request: HttpRequest, public_id) -> HttpResponse:
    """A credential as a hosted Assertion; 410 Gone with ``revoked: true`` once revoked."""
    record = credential_by_public_id(public_id)
    base = _base(request)
    if record.status == CredentialStatus.REVOKED:
        document = openbadges.revoked_assertion_document(record, base=base)
        return _json(document, max_age=DOCUMENT_MAX_AGE, status=HTTPStatus.GONE)
    return _json(openbadges.assertion_document(record, base=base), max_age=DOCUMENT_MAX_AGE)


@require_safe
def baked_badge(request: HttpRequest, public_id) -> HttpResponse:
    """The badge image with the credential's assertion baked in, to download and keep or upload
    to a backpack. A revoked credential has none (410 Gone)."""
    record = credential_by_public_id(public_id)
    if record.status == CredentialStatus.REVOKED:
        response = HttpResponse(
            REVOKED_NO_BADGE, content_type="text/plain; charset=utf-8", status=HTTPStatus.GONE
        )
        return _public(response, max_age=DOCUMENT_MAX_AGE)
    png = _class_png(openbadges.class_of_record(record))
    document = openbadges.assertion_document(record, base=_base(request))
    response = HttpResponse(openbadges.baked_png(png, document), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{record.badge_slug}-badge.png"'
    return _public(response, max_age=DOCUMENT_MAX_AGE)
