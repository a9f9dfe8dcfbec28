"""Per-portal settings that staff edit in the Wagtail admin (Settings → Brand)."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ERROR_ACCENT_FORMAT = "Enter the colour as # followed by six hexadecimal digits, e.g. #1d4ed8."
ERROR_ACCENT_CONTRAST = (
    "White text on this colour has a contrast of {ratio:.1f}:1; buttons need at least 4.5:1 "
    "to be readable. Choose a darker colour."
)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of white text on ``hex_colour``."""
    return 1.05 / (_luminance(hex_colour) + 0.05)


def validate_accent(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(ERROR_ACCENT_FORMAT)
    ratio = contrast_with_white(value)
    if ratio < 4.5:
        raise ValidationError(ERROR_ACCENT_CONTRAST.format(ratio=ratio))


@register_setting(icon="image")
class BrandSettings(BaseSiteSetting):
    """The portal's name, logo and accent colour, used by the site shell and in emails."""

    portal_name = models.CharField(
        max_length=120, help_text="Shown in the header, page titles and emails."
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="A short line under the name on the home page."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header at 40 pixels high; a transparent PNG or SVG works best.",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#1d4ed8",
        validators=[validate_accent],
        help_text="Buttons and links; white text must stay readable on it (contrast ≥ 4.5:1).",
    )
    footer_text = models.CharField(
        max_length=250, blank=True, help_text="A line in the footer, e.g. your company's address."
    )

    # The header shows the logo on every page: fetch it with the settings row.
    select_related = ["logo"]

    panels = [
        FieldPanel("portal_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("accent_colour"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "brand"

    def __str__(self) -> str:
        return self.portal_name
