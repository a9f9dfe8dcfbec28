"""Views of the certification app: the exams, starting one, the attempt page and its result.

The attempt page works without JavaScript (one form, submitted at the end or saved midway);
with it, each answer is saved as it is given (``answer``, JSON). Domain errors (``ExamError``)
become a 400 JSON answer or a message on the page, never a 500.
"""

import json
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from certification.models import Attempt
from certification.selectors import (
    attempt_for,
    attempt_questions,
    exam_by_slug,
    exam_list,
    exam_standing,
)
from certification.services import (
    TIME_UP,
    ExamError,
    answers_save,
    attempt_close_if_expired,
    attempt_start,
    attempt_submit,
)

SIGN_IN_TO_ANSWER = "Sign in to answer."
ATTEMPT_NOT_FOUND = "No such attempt."
BAD_REQUEST = "Send the question's id and the chosen answers' ids."
ANSWERS_SAVED = "Your answers are saved. You can come back to this attempt until time is up."
QUESTION_FIELD = "q-"


def index(request: HttpRequest) -> HttpResponse:
    """/certification/: the published exams."""
    return render(request, "certification/index.html", {"exams": exam_list()})


def exam_page(request: HttpRequest, slug: str) -> HttpResponse:
    """An exam's rules, the member's prerequisites and attempts, and the start button."""
    exam = exam_by_slug(slug=slug)
    standing = exam_standing(exam=exam, member=request.user)
    if standing.open_expired:
        attempt_close_if_expired(attempt=standing.open_attempt)
        standing = exam_standing(exam=exam, member=request.user)
    return render(request, "certification/exam.html", {"exam": exam, "standing": standing})


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the exam, or go back to the open attempt (a second tab, a double click)."""
    exam = exam_by_slug(slug=slug)
    try:
        attempt = attempt_start(member=request.user, exam=exam)
    except ExamError as error:
        messages.error(request, str(error))
        return redirect(exam.get_absolute_url())
    return redirect("certification:attempt", attempt_id=attempt.pk)


@login_required
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The questions of an open attempt with the answers saved so far, and the time left."""
    attempt = attempt_for(member=request.user, attempt_id=attempt_id)
    attempt = attempt_close_if_expired(attempt=attempt)
    if not attempt.is_open:
        return redirect("certification:attempt_result", attempt_id=attempt.pk)
    remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "questions": attempt_questions(attempt=attempt),
        "remaining_seconds": remaining,
    }
    return render(request, "certification/attempt.html", context)


def _answer_data(request: HttpRequest) -> dict | None:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None
    return {"question": request.POST.get("question"), "choices": request.POST.getlist("choices")}


@require_POST
def answer(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Save one answer: ``{question, choices: [ids]}`` as JSON or a form. Answers JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": SIGN_IN_TO_ANSWER}, status=HTTPStatus.FORBIDDEN)
    try:
        attempt = attempt_for(member=request.user, attempt_id=attempt_id)
    except Http404:
        return JsonResponse({"error": ATTEMPT_NOT_FOUND}, status=HTTPStatus.NOT_FOUND)
    data = _answer_data(request)
    if data is None or not isinstance(data.get("question"), str):
        return JsonResponse({"error": BAD_REQUEST}, status=HTTPStatus.BAD_REQUEST)
    try:
        answers_save(attempt=attempt, answers={data["question"]: data.get("choices") or []})
    except ExamError as error:
        body = {"error": str(error)}
        if str(error) == TIME_UP:
            body["result_url"] = _result_url(attempt)
        return JsonResponse(body, status=HTTPStatus.BAD_REQUEST)
    return JsonResponse({"saved": True, "question": data["question"]})


def _result_url(attempt: Attempt) -> str:
    return reverse("certification:attempt_result", args=[attempt.pk])


def _form_answers(request: HttpRequest) -> dict[str, list[str]]:
    """The answers of the attempt form: every question listed in ``shown``, ticked or not."""
    return {
        question_id: request.POST.getlist(f"{QUESTION_FIELD}{question_id}")
        for question_id in request.POST.getlist("shown")
    }


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The attempt form: save its answers, then submit (or, with "save", come back later)."""
    attempt = attempt_for(member=request.user, attempt_id=attempt_id)
    if attempt.is_open:
        try:
            answers_save(attempt=attempt, answers=_form_answers(request))
        except ExamError as error:
            messages.error(request, str(error))
            if str(error) != TIME_UP:
                return redirect("certification:attempt", attempt_id=attempt.pk)
        if "save" in request.POST and attempt_close_if_expired(attempt=attempt).is_open:
            messages.success(request, ANSWERS_SAVED)
            return redirect("certification:attempt", attempt_id=attempt.pk)
    attempt_submit(attempt=attempt)
    return redirect("certification:attempt_result", attempt_id=attempt.pk)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The score, the per-topic breakdown and, if the exam reveals them, the right answers."""
    attempt = attempt_for(member=request.user, attempt_id=attempt_id)
    attempt = attempt_close_if_expired(attempt=attempt)
    if attempt.is_open:
        return redirect("certification:attempt", attempt_id=attempt.pk)
    reveal = attempt.exam.reveal_answers
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "reveal": reveal,
        "questions": attempt_questions(attempt=attempt, reveal=True) if reveal else [],
    }
    return render(request, "certification/result.html", context)
