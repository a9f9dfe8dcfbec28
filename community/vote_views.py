"""Votes, accepting answers and member profiles.

The vote and accept buttons are forms: without JavaScript they POST here and come back to the
question with a message; ``static/community/vote.js`` sends the same form with ``Accept:
application/json`` and gets the new score or acceptance as JSON to update the page in place.
Refusals (``CommunityError``) become that message or a JSON ``error``, never a 500.
"""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from community.accept_services import answer_accept as accept_service
from community.models import Answer, Question
from community.permissions import SIGN_IN, CommunityError
from community.profile_selectors import member_profile_for
from community.vote_services import BAD_VALUE, vote_cast

VALUES = {"up": 1, "down": -1}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request: HttpRequest, message: str, back: str, status=HTTPStatus.BAD_REQUEST):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return redirect(back)


def _signed_out(request: HttpRequest, back: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"error": SIGN_IN, "login_url": redirect_to_login(back)["Location"]},
            status=HTTPStatus.FORBIDDEN,
        )
    return redirect_to_login(back)


def _vote(request: HttpRequest, *, back: str, **post) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, back)
    value = VALUES.get(request.POST.get("value", ""))
    if value is None:
        return _refused(request, BAD_VALUE, back)
    try:
        outcome = vote_cast(member=request.user, value=value, **post)
    except CommunityError as error:
        return _refused(request, str(error), back, HTTPStatus.FORBIDDEN)
    if _wants_json(request):
        return JsonResponse(
            {"score": outcome.score, "value": outcome.value, "message": outcome.message}
        )
    messages.success(request, outcome.message)
    return redirect(back)


@require_POST
def question_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``value=up|down``: vote on the question, change the vote or withdraw it."""
    question = get_object_or_404(Question, pk=pk)
    return _vote(
        request, back=f"{question.get_absolute_url()}#question-{question.pk}", question=question
    )


@require_POST
def answer_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``value=up|down``: vote on the answer, change the vote or withdraw it."""
    answer = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    return _vote(request, back=answer.get_absolute_url(), answer=answer)


@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: accept the answer, move acceptance to it, or withdraw it (the accepted one)."""
    answer = get_object_or_404(Answer.objects.select_related("question", "author"), pk=pk)
    back = answer.get_absolute_url()
    if not request.user.is_authenticated:
        return _signed_out(request, back)
    try:
        outcome = accept_service(member=request.user, answer=answer)
    except CommunityError as error:
        return _refused(request, str(error), back, HTTPStatus.FORBIDDEN)
    if _wants_json(request):
        return JsonResponse(
            {
                "answer": outcome.answer_id,
                "accepted": outcome.accepted,
                "previous": outcome.previous_answer_id,
                "message": outcome.message,
            }
        )
    messages.success(request, outcome.message)
    return redirect(back)


def member_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/members/<pk>/: a member's public profile, for anyone."""
    data = member_profile_for(member_id=pk, viewer=request.user)
    return render(
        request,
        "community/member.html",
        {"member": data, "community_section": "members"},
    )
