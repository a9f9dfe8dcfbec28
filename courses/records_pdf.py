"""The record of completion: a one-page A4 PDF a learner downloads once they complete a course.

``record_enrollment`` finds what it records (one query), ``record_reference`` names it, and
``record_pdf`` draws it with reportlab. It is a record of what the member did, kept by the
portal, not a certification (those are the certification app's exams and badges).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import dateformat
from django.utils.crypto import salted_hmac

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courses.models import Enrollment, LessonPage
from portal.pdf import INK, MUTED, RULE, fonts

REFERENCE_SALT = "courses.record-of-completion"


def record_enrollment(*, member, course_id: int) -> Enrollment | None:
    """The member's enrolment in the live course ``course_id``, completed or not: one query.

    It comes with its course and ``lessons_total``, the course's live lessons now.
    """
    lessons = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("course__path"), depth=OuterRef("course__depth") + 1)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return (
        Enrollment.objects.filter(member=member, course_id=course_id, course__live=True)
        .select_related("course")
        .annotate(lessons_total=Coalesce(Subquery(lessons, output_field=IntegerField()), 0))
        .first()
    )


def record_reference(*, enrollment: Enrollment, schema: str) -> str:
    """A short reference for the record, the same every time it is downloaded.

    The enrolment's number and a keyed digest of the portal, enrolment and completion time:
    staff can recompute it to confirm a record someone shows them came from this portal.
    """
    value = f"{schema}:{enrollment.pk}:{enrollment.completed_at.isoformat()}"
    digest = salted_hmac(REFERENCE_SALT, value, algorithm="sha256").hexdigest()
    return f"REC-{enrollment.pk:06d}-{digest[:8].upper()}"


@dataclass(frozen=True)
class CompletionRecord:
    """What the PDF says. Names and titles are plain text; the PDF escapes them."""

    portal_name: str
    learner_name: str
    course_title: str
    completed_at: datetime
    time_zone: ZoneInfo
    estimated_minutes: int
    lessons: int
    reference: str
    course_url: str

    @property
    def completed_on(self) -> str:
        """The completion date in the learner's own time zone, e.g. "4 March 2026"."""
        return dateformat.format(self.completed_at.astimezone(self.time_zone), "j F Y")

    @property
    def duration(self) -> str:
        hours, minutes = divmod(self.estimated_minutes, 60)
        if not hours:
            return f"about {minutes} min"
        return f"about {hours} h {minutes:02d} min" if minutes else f"about {hours} h"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=15, textColor=INK)
    centred = ParagraphStyle("centred", parent=base, alignment=1)
    return {
        "portal": ParagraphStyle("portal", parent=centred, fontName=bold, textColor=MUTED),
        "title": ParagraphStyle("title", parent=centred, fontName=bold, fontSize=26, leading=32),
        "text": ParagraphStyle("text", parent=centred, fontSize=12, textColor=MUTED),
        "name": ParagraphStyle("name", parent=centred, fontName=bold, fontSize=22, leading=28),
        "course": ParagraphStyle("course", parent=centred, fontName=bold, fontSize=18, leading=24),
        "label": ParagraphStyle("label", parent=base, fontName=bold, textColor=MUTED),
        "value": base,
        "note": ParagraphStyle("note", parent=centred, fontSize=9, leading=12, textColor=MUTED),
    }


def _details(record: CompletionRecord, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        ("Completed on", f"{record.completed_on} ({record.time_zone.key})"),
        ("Estimated time", record.duration),
        ("Lessons", str(record.lessons)),
        ("Reference", record.reference),
        ("Course", record.course_url),
    ]
    table = Table(
        [
            [Paragraph(escape(label), styles["label"]), Paragraph(escape(value), styles["value"])]
            for label, value in rows
        ],
        colWidths=[40 * mm, 110 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def record_pdf(record: CompletionRecord) -> bytes:
    """The record as a one-page A4 PDF, with its title and author in the PDF's metadata."""
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"Record of completion: {record.course_title}",
        author=record.portal_name,
        subject=f"{record.learner_name} completed {record.course_title}",
        creator=record.portal_name,
    )
    story = [
        Paragraph(escape(record.portal_name), styles["portal"]),
        Spacer(1, 6 * mm),
        Paragraph("Record of completion", styles["title"]),
        HRFlowable(width="40%", thickness=1, color=RULE, spaceBefore=6 * mm, spaceAfter=10 * mm),
        Paragraph("This records that", styles["text"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(record.learner_name), styles["name"]),
        Spacer(1, 4 * mm),
        Paragraph("completed the course", styles["text"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(record.course_title), styles["course"]),
        Spacer(1, 4 * mm),
        Paragraph(f"on {escape(record.completed_on)}", styles["text"]),
        Spacer(1, 16 * mm),
        _details(record, styles),
        Spacer(1, 16 * mm),
        Paragraph(
            escape(
                f"Issued by {record.portal_name}. Quote the reference to have "
                f"{record.portal_name} confirm this record."
            ),
            styles["note"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
