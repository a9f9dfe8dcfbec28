"""The certificate of a credential: a one-page landscape A4 PDF anyone with its verify link gets.

``Certificate`` says what it shows, ``certificate_document`` draws it with reportlab, and
``verification_qr`` makes the QR code of the verify address (reportlab's own widget, so no
other library): a test reads back the value the certificate encodes. The QR code is also a
link to the same address, for readers who open the PDF on a screen.

The certificate only repeats what the verify page says: the verify page is the proof, which is
why the address is printed and encoded. It shares its fonts and colours with the record of
completion (``courses/records_pdf.py``) through ``portal.pdf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from django.utils import dateformat

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from portal.pdf import INK, MUTED, RULE, fonts

QR_SIZE = 42 * mm
# What the member did to hold it, by kind of credential.
EARNED = {
    "certification": "has earned the certification",
    "expert": "has earned the Expert badge",
    "mvp": "was awarded the title",
    "recognition": "was recognised with",
}


@dataclass(frozen=True)
class Certificate:
    """What the certificate says. Names are plain text; the PDF escapes them. Dates print in
    UTC: the certificate has no reader's time zone."""

    portal_name: str
    member_name: str
    credential_name: str
    kind: str
    issued_at: datetime
    expires_at: datetime | None
    credential_id: str
    verify_url: str
    slug: str
    citation: str = ""  # a recognition award's: what it was given for

    @property
    def issued_on(self) -> str:
        return _day(self.issued_at)

    @property
    def expires_on(self) -> str:
        return _day(self.expires_at) if self.expires_at else "Never expires"

    @property
    def filename(self) -> str:
        return f"{self.slug}-certificate.pdf"


def _day(moment: datetime) -> str:
    return dateformat.format(moment.astimezone(UTC), "j F Y")


def verification_qr(url: str) -> QrCodeWidget:
    """The QR code widget encoding exactly ``url`` (medium error correction, a quiet zone)."""
    return QrCodeWidget(url, barLevel="M", barBorder=4)


class VerificationQr(Flowable):
    """The QR code of the verify address, ``size`` square, that is also a link to it."""

    def __init__(self, url: str, size: float = QR_SIZE):
        super().__init__()
        self.url = url
        self.widget = verification_qr(url)
        self.width = self.height = size

    def draw(self) -> None:
        left, bottom, right, top = self.widget.getBounds()
        drawing = Drawing(
            self.width,
            self.height,
            transform=[self.width / (right - left), 0, 0, self.height / (top - bottom), 0, 0],
        )
        drawing.add(self.widget)
        renderPDF.draw(drawing, self.canv, 0, 0)
        self.canv.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=14, textColor=INK)
    centred = ParagraphStyle("centred", parent=base, alignment=1)
    return {
        "portal": ParagraphStyle(
            "portal", parent=centred, fontName=bold, fontSize=12, textColor=MUTED
        ),
        "title": ParagraphStyle("title", parent=centred, fontName=bold, fontSize=32, leading=38),
        "text": ParagraphStyle("text", parent=centred, fontSize=12, leading=16, textColor=MUTED),
        "name": ParagraphStyle("name", parent=centred, fontName=bold, fontSize=24, leading=30),
        "credential": ParagraphStyle(
            "credential", parent=centred, fontName=bold, fontSize=18, leading=24
        ),
        "label": ParagraphStyle("label", parent=base, fontName=bold, textColor=MUTED),
        "value": base,
        "caption": ParagraphStyle("caption", parent=centred, fontSize=8, textColor=MUTED),
    }


def _details(certificate: Certificate, styles: dict[str, ParagraphStyle]) -> Table:
    """The facts on the left, the QR code on the right."""
    url = escape(certificate.verify_url)
    link = f"<a href={quoteattr(certificate.verify_url)}>{url}</a>"
    rows = [
        ("Issued", escape(certificate.issued_on)),
        ("Expires", escape(certificate.expires_on)),
        ("Credential ID", escape(certificate.credential_id)),
        ("Verify at", link),
    ]
    facts = Table(
        [
            [Paragraph(escape(label), styles["label"]), Paragraph(value, styles["value"])]
            for label, value in rows
        ],
        colWidths=[32 * mm, 150 * mm],
    )
    facts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    qr = [VerificationQr(certificate.verify_url), Paragraph("Scan to verify", styles["caption"])]
    layout = Table([[facts, qr]], colWidths=[190 * mm, 50 * mm])
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return layout


def certificate_document(certificate: Certificate) -> bytes:
    """The certificate as a one-page landscape A4 PDF, titled and authored in its metadata."""
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=15 * mm,
        title=f"Certificate: {certificate.credential_name}",
        author=certificate.portal_name,
        subject=f"{certificate.member_name}: {certificate.credential_name}",
        creator=certificate.portal_name,
    )
    story = [
        Paragraph(escape(certificate.portal_name), styles["portal"]),
        Spacer(1, 4 * mm),
        Paragraph("Certificate", styles["title"]),
        HRFlowable(width="30%", thickness=1, color=RULE, spaceBefore=4 * mm, spaceAfter=6 * mm),
        Paragraph("This certifies that", styles["text"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(certificate.member_name), styles["name"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(EARNED.get(certificate.kind, "holds")), styles["text"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(certificate.credential_name), styles["credential"]),
        *(
            [Spacer(1, 3 * mm), Paragraph(escape(certificate.citation), styles["text"])]
            if certificate.citation
            else []
        ),
        Spacer(1, 10 * mm),
        _details(certificate, styles),
    ]
    document.build(story)
    return buffer.getvalue()
