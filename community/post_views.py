"""Asking, answering, commenting, editing, revision histories, the question page and the live
preview.

Views only translate: forms check shape, ``community.post_services`` decide and write, and a
refusal or bad input (``CommunityError``) becomes a form error on the same page, never a 500.
Posts hidden by moderators are a 404 for everyone but their authors and moderators.
"""

from __future__ import annotations

import difflib
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from community import post_services as services
from community.forms import (
    AnswerEditForm,
    AnswerForm,
    CommentForm,
    QuestionEditForm,
    QuestionForm,
)
from community.models import Answer, CommunitySettings, Question
from community.permissions import (
    SIGN_IN,
    CommunityError,
    answer_refusal,
    close_refusal,
    edit_others_refusal,
    is_moderator,
    participation_refusal,
)
from community.post_selectors import question_page, revisions_of
from community.post_services import BODY_LENGTH, BODY_MAX, COMMENT_LENGTH, TAGS_COUNT, TITLE_LENGTH
from community.templatetags.community_moderation import suspension_of_request
from courses.api import course_and_lesson_choices
from portal.sanitize import render_markdown

QUESTION_POSTED = "Your question is posted."
ANSWER_POSTED = "Thanks: your answer is posted."
COMMENT_POSTED = "Your comment is added."
EDIT_SAVED = "Your edit is saved."
PREVIEW_TOO_LONG = f"Too long to preview: posts are at most {BODY_MAX:,} characters."
PREVIEW_SIGN_IN = "Sign in to preview."
SECTION = "questions"

# Which field a service's message belongs to (others go to the top of the form).
_FIELD_OF = {TITLE_LENGTH: "title", BODY_LENGTH: "body", COMMENT_LENGTH: "body"}


def _add_error(form, error: CommunityError) -> None:
    message = str(error)
    field = _FIELD_OF.get(message)
    if field is None and (message == TAGS_COUNT or message.startswith("There is no tag")):
        field = "tags"
    form.add_error(field if field in form.fields else None, message)


def _visible_to(post, viewer) -> bool:
    if post.hidden_at is None:
        return True
    return bool(viewer.is_authenticated and post.author_id == viewer.pk) or is_moderator(
        member=viewer
    )


def _question_or_404(pk: int, viewer) -> Question:
    question = get_object_or_404(Question.objects.prefetch_related("tags"), pk=pk)
    if not _visible_to(question, viewer):
        raise Http404("No such question.")
    return question


def _answer_or_404(pk: int, viewer) -> Answer:
    answer = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    if not (_visible_to(answer, viewer) and _visible_to(answer.question, viewer)):
        raise Http404("No such answer.")
    return answer


def _edit_refusal(post, viewer) -> str | None:
    """Why ``viewer`` may not edit ``post`` (the same rule the services apply), or None."""
    refusal = participation_refusal(member=viewer)
    if refusal is None and post.author_id != viewer.pk and not is_moderator(member=viewer):
        refusal = edit_others_refusal(member=viewer)
    return refusal


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    """Ask a question: title, Markdown body with a live preview, tags, an optional course."""
    refusal = participation_refusal(member=request.user)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        page_choices=course_and_lesson_choices(),
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        page = None
        if form.cleaned_data["page"]:
            from wagtail.models import Page

            page = Page.objects.filter(pk=form.cleaned_data["page"]).first()
        try:
            question = services.question_create(
                author=request.user,
                title=form.cleaned_data["title"],
                body_md=form.cleaned_data["body"],
                tag_names=form.tag_names(),
                page=page,
            )
        except CommunityError as error:
            _add_error(form, error)
        else:
            messages.success(request, QUESTION_POSTED)
            return redirect(question.get_absolute_url())
    context = {"form": form, "refusal": refusal, "community_section": SECTION}
    status = HTTPStatus.OK if request.method == "GET" or refusal is None else HTTPStatus.FORBIDDEN
    return render(request, "community/ask.html", context, status=status)


def _question_response(
    request: HttpRequest,
    pk: int,
    *,
    answer_form: AnswerForm | None = None,
    comment_target: str = "",
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    viewer = request.user
    page = question_page(question_id=pk, viewer=viewer)
    if page is None:
        raise Http404("No such question.")
    question = page.question
    settings = page.settings or CommunitySettings.load(request_or_site=request)
    suspension = suspension_of_request(request)
    refusal = answer_refusal(
        member=viewer,
        question=question,
        settings=settings,
        suspension=suspension,
        credentials=list(page.viewer_credentials),
    )
    # answer_refusal puts participation_refusal first, so when the viewer is signed out or
    # suspended its message is the participation refusal. The suspension lookup is the one
    # the page's suspension notice makes (cached on the request): no extra query.
    blocked = not viewer.is_authenticated or suspension is not None
    participation = refusal if blocked else None
    # Others' posts: staff always pass edit_others_refusal once they may participate. For
    # other members it costs four queries a page cannot spend (see docs/community.md), so
    # their Edit link shows on their own posts; the edit page itself applies the full rule.
    can_edit_others = viewer.is_authenticated and viewer.is_staff and participation is None
    for post, target in [
        (question, f"question-{question.pk}"),
        *((answer, f"answer-{answer.pk}") for answer in page.answers),
    ]:
        post.can_edit = participation is None and (
            can_edit_others or post.author_id == getattr(viewer, "pk", None)
        )
        post.comment_form = (
            comment_form
            if comment_form is not None and target == comment_target
            else CommentForm(auto_id=f"comment-{target}-%s")
        )
    close = (
        close_refusal(
            member=viewer,
            settings=settings,
            suspension=suspension,
            reputation=page.viewer_reputation,
        )
        if viewer.is_authenticated
        else SIGN_IN
    )
    context = {
        "close_refusal": close or "",
        "page_data": page,
        "question": question,
        "answers": page.answers,
        "tags": page.tags,
        "answer_refusal": refusal,
        "participation_refusal": participation,
        "can_comment": participation is None,
        "answer_form": answer_form or AnswerForm(auto_id="answer-%s"),
        "question_closed": question.closed_at is not None,
        "community_section": SECTION,
    }
    status = HTTPStatus.OK
    if answer_form is not None or comment_form is not None:
        status = HTTPStatus.BAD_REQUEST
    return render(request, "community/question.html", context, status=status)


def question(request: HttpRequest, pk: int) -> HttpResponse:
    """The question page: question, answers (accepted first, then score, then oldest),
    comments, votes, badges, and the answer form or why the viewer may not answer."""
    return _question_response(request, pk)


@login_required
@require_POST
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(pk, request.user)
    form = AnswerForm(request.POST, auto_id="answer-%s")
    if form.is_valid():
        try:
            answer = services.answer_create(
                question=question, author=request.user, body_md=form.cleaned_data["body"]
            )
        except CommunityError as error:
            _add_error(form, error)
        else:
            messages.success(request, ANSWER_POSTED)
            return redirect(f"{question.get_absolute_url()}#answer-{answer.pk}")
    return _question_response(request, pk, answer_form=form)


def _comment(request: HttpRequest, *, question: Question, answer: Answer | None) -> HttpResponse:
    target = f"answer-{answer.pk}" if answer else f"question-{question.pk}"
    form = CommentForm(request.POST, auto_id=f"comment-{target}-%s")
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user,
                body_md=form.cleaned_data["body"],
                question=None if answer else question,
                answer=answer,
            )
        except CommunityError as error:
            _add_error(form, error)
        else:
            messages.success(request, COMMENT_POSTED)
            return redirect(f"{question.get_absolute_url()}#comment-{comment.pk}")
    return _question_response(request, question.pk, comment_target=target, comment_form=form)


@login_required
@require_POST
def question_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _comment(request, question=_question_or_404(pk, request.user), answer=None)


@login_required
@require_POST
def answer_comment(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer_or_404(pk, request.user)
    return _comment(request, question=answer.question, answer=answer)


def _edit_page(request, *, post, form, refusal, kind: str, status=HTTPStatus.OK) -> HttpResponse:
    question = post if kind == "question" else post.question
    context = {
        "form": form,
        "refusal": refusal,
        "kind": kind,
        "post": post,
        "question": question,
        "community_section": SECTION,
    }
    return render(request, "community/edit.html", context, status=status)


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a question (authors, members with the edit privilege, moderators)."""
    question = _question_or_404(pk, request.user)
    refusal = _edit_refusal(question, request.user)
    initial = {
        "title": question.title,
        "body": question.body_md,
        "tags": ", ".join(tag.name for tag in question.tags.all()),
    }
    if refusal:
        form = QuestionEditForm(initial=initial)
        return _edit_page(
            request,
            post=question,
            form=form,
            refusal=refusal,
            kind="question",
            status=HTTPStatus.FORBIDDEN,
        )
    if request.method != "POST":
        form = QuestionEditForm(initial=initial)
        return _edit_page(request, post=question, form=form, refusal=None, kind="question")
    form = QuestionEditForm(request.POST)
    if form.is_valid():
        try:
            services.question_edit(
                question=question,
                editor=request.user,
                title=form.cleaned_data["title"],
                body_md=form.cleaned_data["body"],
                tag_names=form.tag_names(),
                summary=form.cleaned_data["summary"],
            )
        except CommunityError as error:
            _add_error(form, error)
        else:
            messages.success(request, EDIT_SAVED)
            return redirect(question.get_absolute_url())
    return _edit_page(
        request,
        post=question,
        form=form,
        refusal=None,
        kind="question",
        status=HTTPStatus.BAD_REQUEST,
    )


@login_required
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an answer (authors, members with the edit privilege, moderators)."""
    answer = _answer_or_404(pk, request.user)
    refusal = _edit_refusal(answer, request.user)
    initial = {"body": answer.body_md}
    if refusal or request.method != "POST":
        return _edit_page(
            request,
            post=answer,
            form=AnswerEditForm(initial=initial),
            refusal=refusal,
            kind="answer",
            status=HTTPStatus.FORBIDDEN if refusal else HTTPStatus.OK,
        )
    form = AnswerEditForm(request.POST)
    if form.is_valid():
        try:
            services.answer_edit(
                answer=answer,
                editor=request.user,
                body_md=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
            )
        except CommunityError as error:
            _add_error(form, error)
        else:
            messages.success(request, EDIT_SAVED)
            return redirect(f"{answer.question.get_absolute_url()}#answer-{answer.pk}")
    return _edit_page(
        request, post=answer, form=form, refusal=None, kind="answer", status=HTTPStatus.BAD_REQUEST
    )


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """Lines of ``after`` against ``before``: ("+", line), ("-", line) or (" ", line)."""
    lines = difflib.ndiff(before.splitlines(), after.splitlines())
    return [(line[0], line[2:]) for line in lines if line[:1] in "+- "]


def _revisions_page(request, *, revisions, question: Question, kind: str, post) -> HttpResponse:
    shown = []
    previous = None
    for revision in revisions:
        shown.append(
            {
                "revision": revision,
                "body_html": render_markdown(revision.body_md),
                "diff": _diff(previous.body_md, revision.body_md) if previous else [],
                "title_changed": bool(previous and previous.title != revision.title),
                "tags_changed": bool(previous and previous.tag_names != revision.tag_names),
            }
        )
        previous = revision
    shown.reverse()
    context = {
        "revisions": shown,
        "question": question,
        "post": post,
        "kind": kind,
        "community_section": SECTION,
    }
    return render(request, "community/revisions.html", context)


def question_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(pk, request.user)
    return _revisions_page(
        request,
        revisions=revisions_of(question=question),
        question=question,
        kind="question",
        post=question,
    )


def answer_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer_or_404(pk, request.user)
    return _revisions_page(
        request,
        revisions=revisions_of(answer=answer),
        question=answer.question,
        kind="answer",
        post=answer,
    )


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The live preview: the posted Markdown (``body``) rendered exactly as it will be saved,
    as an HTML fragment. ``mode=inline`` renders like a comment. Signed-in members only;
    CSRF-protected like every POST; at most ``BODY_MAX`` characters."""
    if not request.user.is_authenticated:
        return HttpResponse(PREVIEW_SIGN_IN, status=HTTPStatus.FORBIDDEN, content_type="text/plain")
    body = request.POST.get("body", "")
    if len(body) > BODY_MAX:
        return HttpResponse(
            PREVIEW_TOO_LONG, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE, content_type="text/plain"
        )
    html = render_markdown(body, inline=request.POST.get("mode") == "inline")
    return HttpResponse(html, content_type="text/html; charset=utf-8")


__all__ = [
    "answer_comment",
    "answer_create",
    "answer_edit",
    "answer_revisions",
    "ask",
    "preview",
    "question",
    "question_comment",
    "question_edit",
    "question_revisions",
]
