"""The record of completion's download: /learning/courses/<id>/record.pdf, for its learner only.

Anyone else (another member, another portal, a course the member never took) gets a 404, so
the address says nothing about who took which course.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from courses.records_pdf import CompletionRecord, record_enrollment, record_pdf, record_reference
from portal.accounts.api import viewer_zone
from portal.models import BrandSettings

NOT_COMPLETED = "Complete every lesson of “{title}” to get its record of completion."


@login_required
def record_pdf_download(request: HttpRequest, course_id: int) -> HttpResponse:
    """The PDF once the member completed the course; before that, back to the course with why."""
    enrollment = record_enrollment(member=request.user, course_id=course_id)
    if enrollment is None:
        raise Http404
    course = enrollment.course
    if enrollment.completed_at is None:
        messages.info(request, NOT_COMPLETED.format(title=course.title))
        return redirect(course.get_url(request))
    portal_name = BrandSettings.for_request(request).portal_name or request.tenant.name
    record = CompletionRecord(
        portal_name=portal_name,
        learner_name=request.user.public_name,
        course_title=course.title,
        completed_at=enrollment.completed_at,
        time_zone=viewer_zone(member=request.user),
        estimated_minutes=course.estimated_minutes,
        lessons=enrollment.lessons_total,
        reference=record_reference(enrollment=enrollment, schema=connection.schema_name),
        course_url=course.get_full_url(request),
    )
    response = HttpResponse(record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"record-of-completion-{course.slug}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
