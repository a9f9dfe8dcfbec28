"""Open Badges 2.0 hosted documents and badge images, as pure functions of what they describe.

Every credential (certification award, Expert badge, MVP title, recognition award) is a
*hosted* assertion: its JSON-LD lives at a stable address on the portal
(``credentials:ob_assertion``) and a verifier trusts it because it is served from the issuer's
own origin. The portal is the issuer (``credentials:ob_issuer``); each certification and badge
is a BadgeClass. Revoked assertions answer 410 Gone with ``revoked: true`` and are listed in
the issuer's revocation list.

Nothing here reads the database or the request: ``openbadges_views`` fetches and passes in the
records and the portal's absolute base address (``scheme://host[:port]``), so the documents a
test builds are the ones served. See docs/open-badges.md.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.urls import reverse

from openbadges_bakery import bake
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from certification.credentials import (
    CredentialRecord,
    badge_criteria,
    certification_criteria,
    certification_description,
)

CONTEXT = "https://w3id.org/openbadges/v2"
KIND_CERTIFICATION = "certification"
KINDS = (KIND_CERTIFICATION, "expert", "mvp", "recognition")
IMAGE_SIZE = 400
RENDITION_SPEC = f"max-{IMAGE_SIZE}x{IMAGE_SIZE}|format-png"


@dataclass(frozen=True)
class BadgeClassInfo:
    """What a BadgeClass says: a certification, an Expert badge, the MVP title or a recognition
    badge."""

    kind: str
    slug: str
    name: str
    description: str
    criteria: str
    image: object | None  # a wagtailimages Image, or None: a plain badge is drawn


def class_of_certification(certification) -> BadgeClassInfo:
    """The BadgeClass of a certification (its exam joined, or one query)."""
    return BadgeClassInfo(
        kind=KIND_CERTIFICATION,
        slug=certification.slug,
        name=certification.name,
        description=certification_description(certification),
        criteria=certification_criteria(certification),
        image=certification.badge_image,
    )


def class_of_badge(badge) -> BadgeClassInfo:
    """The BadgeClass of an Expert badge, the MVP title or a recognition badge (its required
    certification joined)."""
    return BadgeClassInfo(
        kind=badge.kind,
        slug=badge.slug,
        name=badge.name,
        description=badge.description,
        criteria=badge_criteria(badge),
        image=badge.image,
    )


def class_of_record(record: CredentialRecord) -> BadgeClassInfo:
    """The BadgeClass of the badge a credential is an award of (no query: already joined)."""
    return BadgeClassInfo(
        kind=record.badge_kind,
        slug=record.badge_slug,
        name=record.name,
        description=record.description,
        criteria=record.criteria,
        image=record.image,
    )


# --- Addresses --------------------------------------------------------------------------------
# ``base`` is the portal's origin as the request reached it, e.g. "https://academy.example.com".


def issuer_url(base: str) -> str:
    return base + reverse("credentials:ob_issuer")


def revocations_url(base: str) -> str:
    return base + reverse("credentials:ob_revocations")


def badge_class_url(base: str, kind: str, slug: str) -> str:
    return base + reverse("credentials:ob_badge_class", kwargs={"kind": kind, "slug": slug})


def badge_image_url(base: str, kind: str, slug: str) -> str:
    return base + reverse("credentials:ob_badge_image", kwargs={"kind": kind, "slug": slug})


def assertion_url(base: str, public_id: uuid.UUID) -> str:
    return base + reverse("credentials:ob_assertion", kwargs={"public_id": public_id})


def baked_badge_url(base: str, public_id: uuid.UUID) -> str:
    return base + reverse("credentials:badge_png", kwargs={"public_id": public_id})


def iso_datetime(moment: datetime) -> str:
    """ISO 8601 in UTC with its zone ("2030-05-06T09:00:00Z"), as OB 2.0 DateTime asks."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- Documents --------------------------------------------------------------------------------


def issuer_document(*, base: str, name: str, email: str, image_url: str = "") -> dict:
    """The portal as an Issuer Profile. No ``verification`` policy: a verifier's default (the
    assertion must be hosted on the issuer id's origin) is the right one, and an explicit
    ``allowedOrigins`` would reject a host with a port."""
    document = {
        "@context": CONTEXT,
        "id": issuer_url(base),
        "type": "Issuer",
        "name": name,
        "url": base + "/",
        "email": email,
        "revocationList": revocations_url(base),
    }
    if image_url:
        document["image"] = image_url
    return document


def badge_class_document(badge_class: BadgeClassInfo, *, base: str) -> dict:
    """A certification or badge as a BadgeClass, its criteria in words."""
    return {
        "@context": CONTEXT,
        "id": badge_class_url(base, badge_class.kind, badge_class.slug),
        "type": "BadgeClass",
        "name": badge_class.name,
        "description": badge_class.description or badge_class.name,
        "image": badge_image_url(base, badge_class.kind, badge_class.slug),
        "criteria": {"narrative": badge_class.criteria or badge_class.description},
        "issuer": issuer_url(base),
    }


def assertion_document(record: CredentialRecord, *, base: str) -> dict:
    """A credential as a hosted Assertion: recipient e-mail hashed with the award's salt.

    An expired award keeps its past ``expires`` (verifiers report it expired); a renewed one
    stays valid until its own expiry (OB 2.0 has no link to a renewal). Revoked awards are
    served by ``revoked_assertion_document`` instead. A recognition award's citation is its
    ``narrative`` (OB 2.0: what the recipient did to earn it).
    """
    award = record.award
    document = {
        "@context": CONTEXT,
        "id": assertion_url(base, record.public_id),
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": award.recipient_identity,
        },
        "badge": badge_class_url(base, record.badge_kind, record.badge_slug),
        "verification": {"type": "HostedBadge"},
        "issuedOn": iso_datetime(record.issued_at),
        "image": baked_badge_url(base, record.public_id),
    }
    if record.expires_at is not None:
        document["expires"] = iso_datetime(record.expires_at)
    if record.citation:
        document["narrative"] = record.citation
    return document


def revoked_assertion_document(record: CredentialRecord, *, base: str) -> dict:
    """What a revoked hosted assertion answers, with HTTP 410 Gone (OB 2.0, Hosted verification)."""
    return {
        "@context": CONTEXT,
        "id": assertion_url(base, record.public_id),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": record.revocation_reason,
    }


def revocation_list_document(revoked: Iterable[tuple[uuid.UUID, str]], *, base: str) -> dict:
    """The issuer's RevocationList: ``revoked`` is (public id, reason) of every revoked award."""
    return {
        "@context": CONTEXT,
        "id": revocations_url(base),
        "type": "RevocationList",
        "issuer": issuer_url(base),
        "revokedAssertions": [
            {"id": assertion_url(base, public_id), "revocationReason": reason}
            for public_id, reason in revoked
        ],
    }


# --- Images -----------------------------------------------------------------------------------


def initials(name: str) -> str:
    """A drawn badge's letters: "Cloud Practitioner" -> "CP", "MVP" stays, "Kubernetes" -> "K"."""
    words = re.findall(r"[^\W_]+", name)
    if not words:
        return "?"
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 4:
        return words[0]
    return "".join(word[0] for word in words[:3]).upper()


def drawn_badge_png(*, name: str, colour: str, size: int = IMAGE_SIZE) -> bytes:
    """A plain round badge: the portal's accent colour (white text on it is readable by the
    brand settings' own check) with the badge's initials, as PNG."""
    scale = 4  # drawn large and scaled down, for smooth edges
    big = size * scale
    canvas = PILImage.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    ring = big // 20
    draw.ellipse(
        (ring, ring, big - 1 - ring, big - 1 - ring), outline="white", width=max(ring // 3, 1)
    )
    text = initials(name)
    font = ImageFont.load_default(size=big * (0.42 if len(text) < 3 else 0.3))
    draw.text((big / 2, big / 2), text, fill="white", font=font, anchor="mm")
    canvas = canvas.resize((size, size), PILImage.Resampling.LANCZOS)
    output = io.BytesIO()
    canvas.save(output, format="PNG", optimize=True)
    return output.getvalue()


def baked_png(png: bytes, assertion: dict) -> bytes:
    """``png`` with ``assertion`` baked in (an ``openbadges`` iTXt chunk).

    OB 2.0 baking: a hosted assertion is baked as its JSON, whose ``id`` is its address, so a
    backpack reads the badge from the file and verifies it at that address.
    """
    baked = bake(io.BytesIO(png), json.dumps(assertion, separators=(",", ":")), io.BytesIO())
    return baked.getvalue()
