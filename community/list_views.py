"""The community's lists and search: the home page's question list (newest, active,
unanswered), tags and a tag's questions, the "unanswered in my expertise" queue, search, the
similar questions suggested while a title is typed, and closing or reopening a question.

Views read through ``list_selectors``/``search_selectors`` and write through
``close_services``; a ``CommunityError`` becomes a form error or a message, never a 500.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from community.close_services import (
    CLOSE_REASONS,
    DUPLICATE,
    DUPLICATE_NEEDED,
    DUPLICATE_NOT_FOUND,
    DuplicateError,
    question_close,
    question_reopen,
)
from community.list_selectors import (
    SORTS,
    expertise_queue,
    question_list,
    sort_normalise,
    tag_by_slug,
    tag_choices,
    tag_list,
    visible_questions,
)
from community.models import Question
from community.permissions import CommunityError, close_refusal, is_moderator
from community.report_selectors import top_answerers
from community.search_selectors import (
    ANSWERED_FILTERS,
    SIMILAR_MIN_LENGTH,
    SIMILAR_MIN_WORDS,
    similar_enough,
    similar_questions,
)
from community.search_selectors import (
    search as search_questions,
)

CLOSED = "The question is closed."
CLOSED_AS_DUPLICATE = "The question is closed as a duplicate of “{title}”."
REOPENED = "The question is open again."

_QUESTION_NUMBER = re.compile(r"^\s*#?\s*(\d{1,12})\s*$")
_QUESTION_URL = re.compile(r"/community/questions/(\d{1,12})(?:/|$|\?|#)")


def _query_string(request: HttpRequest, **changes: str) -> str:
    """The request's GET parameters without ``page`` (for the pager's links), with changes."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _sort_tabs(base_url: str, current: str) -> list[dict]:
    return [
        {"key": key, "label": label, "url": f"{base_url}?sort={key}", "current": key == current}
        for key, (label, _) in SORTS.items()
    ]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/community/: every visible question, newest, active or unanswered first (``?sort=``)."""
    sort = sort_normalise(request.GET.get("sort"))
    context = {
        "questions": question_list(sort=sort, page=request.GET.get("page")),
        "sort": sort,
        "tabs": _sort_tabs(reverse("community:index"), sort),
        "query_string": _query_string(request),
        "community_section": "unanswered" if sort == "unanswered" else "questions",
        "top_answerers": top_answerers(),
    }
    return render(request, "community/index.html", context)


@require_GET
def tags(request: HttpRequest) -> HttpResponse:
    """/community/tags/: every tag with its number of questions (``?name=`` filters)."""
    name = request.GET.get("name", "")[:60]
    context = {"tags": tag_list(name=name), "name": name, "community_section": "tags"}
    return render(request, "community/tags.html", context)


@require_GET
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """/community/tags/<slug>/: a tag's description, course and questions."""
    found = tag_by_slug(slug=slug, viewer=request.user)
    if found is None:
        raise Http404("No such tag.")
    sort = sort_normalise(request.GET.get("sort"))
    context = {
        "tag": found,
        "questions": question_list(sort=sort, tag=found, page=request.GET.get("page")),
        "sort": sort,
        "tabs": _sort_tabs(reverse("community:tag", args=[found.slug]), sort),
        "query_string": _query_string(request),
        "community_section": "tags",
    }
    return render(request, "community/tag.html", context)


@login_required
@require_GET
def unanswered_for_me(request: HttpRequest) -> HttpResponse:
    """/community/unanswered/: unanswered questions in the member's certified topics."""
    context = {
        "queue": expertise_queue(member=request.user, page=request.GET.get("page")),
        "query_string": _query_string(request),
        "community_section": "expertise",
    }
    return render(request, "community/expertise_queue.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """/community/search/?q=&tag=&answered=: ranked questions and answers."""
    found = search_questions(
        q=request.GET.get("q"),
        tag=request.GET.get("tag"),
        answered=request.GET.get("answered"),
        page=request.GET.get("page"),
    )
    context = {
        "search": found,
        "tag_options": tag_choices(),
        "answered_options": list(ANSWERED_FILTERS.items()),
        "query_string": _query_string(request),
        "community_section": "search",
    }
    return render(request, "community/search.html", context)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """/community/similar/?title=: questions like a title being typed.

    Scripts (``post.js``'s ``fetch``, which browsers mark ``Sec-Fetch-Dest: empty``, or any
    request with ``?fragment=1``) get only the list, to put beside the ask form; a browser
    navigating here gets a page of its own, so the form works without JavaScript.
    """
    title = request.GET.get("title", "")[:300]
    exclude = request.GET.get("exclude", "")
    context = {
        "title": title,
        "similar": similar_questions(
            title=title, exclude_id=int(exclude) if exclude.isdigit() else None
        ),
        "enough": similar_enough(title),
        "min_words": SIMILAR_MIN_WORDS,
        "min_length": SIMILAR_MIN_LENGTH,
        "community_section": "questions",
    }
    fetched = request.headers.get("Sec-Fetch-Dest") == "empty"
    if request.GET.get("fragment") or fetched:
        return render(request, "community/includes/similar_list.html", context)
    return render(request, "community/similar.html", context)


class CloseForm(forms.Form):
    """Why the question is closed and, for a duplicate, which question holds the answer."""

    reason = forms.ChoiceField(
        label="Why close it?",
        choices=list(CLOSE_REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the question is being closed."},
    )
    duplicate = forms.CharField(
        label="Duplicate of",
        required=False,
        max_length=300,
        help_text="Only for a duplicate: the number or the address of the question that "
        "already has the answer, e.g. 42 or a link to it.",
    )

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["duplicate"].widget.attrs.update({"inputmode": "url", "autocomplete": "off"})

    def clean(self):
        cleaned = super().clean()
        cleaned["duplicate_of"] = None
        if cleaned.get("reason") != DUPLICATE:
            return cleaned
        reference = (cleaned.get("duplicate") or "").strip()
        if not reference:
            self.add_error("duplicate", DUPLICATE_NEEDED)
            return cleaned
        match = _QUESTION_NUMBER.match(reference) or _QUESTION_URL.search(reference)
        target = visible_questions().filter(pk=int(match.group(1))).first() if match else None
        if target is None:
            self.add_error("duplicate", DUPLICATE_NOT_FOUND.format(reference=reference[:60]))
        cleaned["duplicate_of"] = target
        return cleaned


def _question_for(request: HttpRequest, pk: int):
    """The question to close or reopen: visible ones, and hidden ones for moderators."""
    questions = visible_questions()
    if is_moderator(member=request.user):
        questions = Question.objects.all()
    question = questions.select_related("duplicate_of").filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    return question


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/questions/<pk>/close/: the close form (GET) and closing (POST)."""
    question = _question_for(request, pk)
    refusal = close_refusal(member=request.user)
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, question=question)
    if data is not None and not refusal and question.closed_at is None and form.is_valid():
        duplicate_of = form.cleaned_data["duplicate_of"]
        try:
            question_close(
                member=request.user,
                question=question,
                reason=form.cleaned_data["reason"],
                duplicate_of=duplicate_of,
            )
        except DuplicateError as error:
            form.add_error("duplicate", str(error))
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            if duplicate_of is not None:
                messages.success(request, CLOSED_AS_DUPLICATE.format(title=duplicate_of.title))
            else:
                messages.success(request, CLOSED)
            return redirect(question.get_absolute_url())
    context = {
        "question": question,
        "form": form,
        "refusal": refusal,
        "community_section": "questions",
    }
    return render(request, "community/question_close.html", context)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/questions/<pk>/reopen/ (POST): reopen a closed question."""
    question = _question_for(request, pk)
    try:
        question_reopen(member=request.user, question=question)
    except CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, REOPENED)
    return redirect(question.get_absolute_url())
