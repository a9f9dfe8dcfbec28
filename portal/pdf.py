"""What every PDF the portal makes shares (records of completion, certificates): the font pair
and the colours. reportlab builds the documents; each app lays out its own."""

from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Fonts with the widest coverage first, so names in most scripts print; reportlab's own last.
FONT_FILES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
        str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
    ),
]
INK = colors.HexColor("#111827")
MUTED = colors.HexColor("#4b5563")
RULE = colors.HexColor("#d1d5db")


@cache
def fonts() -> tuple[str, str]:
    """Register the first installed font pair (regular, bold) once; Helvetica if none is."""
    for regular, bold in FONT_FILES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("PortalSans", regular))
            pdfmetrics.registerFont(TTFont("PortalSans-Bold", bold))
            return "PortalSans", "PortalSans-Bold"
    return "Helvetica", "Helvetica-Bold"
