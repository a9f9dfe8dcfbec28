"""Views of the courses app outside the page tree: catalog, enrol, progress, dashboard.

Domain errors (``CourseError``) become a 400 JSON answer or a message on the page, never a 500.
"""

import json
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wagtail.views import serve as wagtail_serve

from courses.feedback_selectors import survey_due
from courses.models import CoursePage, LessonPage
from courses.selectors import catalog_page, dashboard_for
from courses.services import CourseError, enrollment_create, lesson_complete, progress_record
from courses.session_selectors import my_sessions
from courses.session_views import feed_url
from portal.accounts.api import viewer_zone

SIGN_IN_TO_RECORD = "Sign in to record your progress."
LESSON_NOT_FOUND = "No such lesson."
COURSE_COMPLETED = (
    "“{title}” marked as done: you completed the course! Tell us how it was: the survey is on "
    "the course page."
)


def index(request: HttpRequest) -> HttpResponse:
    """/courses/: the portal's catalog page (one per portal), or an empty state until there is one.

    Served here rather than by Wagtail's routing so the navigation's ``courses:index`` link
    works before staff create the catalog, and to load the catalog in one query.
    """
    page = catalog_page()
    if page is None:
        return render(request, "courses/index.html")
    if page.is_restricted:  # let Wagtail ask for the password or sign-in
        return wagtail_serve(request, page.url_path.lstrip("/"))
    return page.serve(request)


@login_required
@require_POST
def enroll(request: HttpRequest, course_id: int) -> HttpResponse:
    """One-click enrolment; enrolling twice lands on the course as if it were the first time."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrollment_create(member=request.user, course=course)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You are enrolled in “{course.title}”.")
    return redirect(course.url)


def _ping_data(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


@require_POST
def progress(request: HttpRequest) -> JsonResponse:
    """The player's ping: ``{lesson, position, duration}`` as JSON or a form, every few seconds."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": SIGN_IN_TO_RECORD}, status=HTTPStatus.FORBIDDEN)
    data = _ping_data(request)
    lesson_id = data.get("lesson")
    if not str(lesson_id or "").isdigit():
        return JsonResponse({"error": LESSON_NOT_FOUND}, status=HTTPStatus.NOT_FOUND)
    lesson = LessonPage.objects.live().filter(pk=int(lesson_id)).first()
    if lesson is None:
        return JsonResponse({"error": LESSON_NOT_FOUND}, status=HTTPStatus.NOT_FOUND)
    try:
        row = progress_record(
            member=request.user,
            lesson=lesson,
            position=data.get("position"),
            duration=data.get("duration"),
        )
    except CourseError as error:
        return JsonResponse({"error": str(error)}, status=HTTPStatus.BAD_REQUEST)
    return JsonResponse(
        {
            "position": row.position_seconds,
            "furthest": row.furthest_seconds,
            "duration": row.duration_seconds,
            "completed": row.completed_at is not None,
        }
    )


@login_required
@require_POST
def mark_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The "Mark as done" button of a lesson without video; the course's last one points to its
    survey."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        lesson_complete(member=request.user, lesson=lesson)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        if survey_due(member=request.user, course_path=lesson.path[: -lesson.steplen]):
            messages.success(request, COURSE_COMPLETED.format(title=lesson.title))
        else:
            messages.success(request, f"“{lesson.title}” marked as done.")
    return redirect(lesson.url)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My learning, the member's home page: every enrolled course with its progress and a link
    to continue, the member's upcoming sessions with their calendar feed, and recommendations
    from their stated interests (courses to take, questions to answer; one query)."""
    from community.interest_selectors import recommendations_for

    return render(
        request,
        "courses/dashboard.html",
        {
            "enrollments": dashboard_for(member=request.user),
            "my_sessions": my_sessions(member=request.user),
            "viewer_zone": viewer_zone(member=request.user),
            "feed_url": feed_url(request),
            "recommendations": recommendations_for(member=request.user),
        },
    )
