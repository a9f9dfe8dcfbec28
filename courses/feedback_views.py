"""The course survey: /learning/courses/<course_id>/feedback/, for members who completed it.

Others are told why they cannot answer (403), never shown a 500; answering again changes the
earlier answer.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from courses.feedback_selectors import feedback_course
from courses.feedback_services import NOT_COMPLETED, feedback_submit
from courses.forms import CourseFeedbackForm
from courses.services import CourseError

THANK_YOU = "Thank you for your feedback on “{title}”."
TEMPLATE = "courses/feedback_page.html"


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, course_id: int) -> HttpResponse:
    """Show the survey (with the member's earlier answer filled in) and save it."""
    course = feedback_course(course_id=course_id, member=request.user)
    if course is None:
        raise Http404
    if course.completed_at is None:
        context = {"course": course, "form": None, "refusal": NOT_COMPLETED}
        return render(request, TEMPLATE, context, status=HTTPStatus.FORBIDDEN)
    if request.method == "POST":
        form = CourseFeedbackForm(request.POST)
        if form.is_valid():
            try:
                feedback_submit(member=request.user, course=course, **form.cleaned_data)
            except CourseError as error:
                messages.error(request, str(error))
                return redirect(course.url)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, THANK_YOU.format(title=course.title))
                return redirect(course.url)
    else:
        form = CourseFeedbackForm(initial=course.answer)
    context = {"course": course, "form": form, "answered": course.answer is not None}
    return render(request, TEMPLATE, context)
