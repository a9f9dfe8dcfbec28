"""Ideas and complaints: the list, submitting and editing, an item's page, votes, comments,
follows, and the staff's status, merge and hide controls on that page.

Views only translate: forms check shape, ``community.idea_services`` decide and write, and a
refusal or bad input (``IdeaError``) becomes a form error on the same page (400, or 403 for a
refusal) or a message, never a 500. Writes are POSTs (CSRF-protected); a visitor is sent to
sign in and comes back to the item. Hidden items are a 404 for everyone but the staff who
manage ideas.
"""

from __future__ import annotations

from dataclasses import replace
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from community import idea_services as services
from community.idea_forms import IdeaCommentForm, IdeaEditForm, IdeaForm, MergeForm, StatusForm
from community.idea_permissions import (
    can_see_hidden,
    comment_refusal,
    edit_refusal,
    follow_refusal,
    manage_refusal,
    submit_refusal,
    vote_refusal,
)
from community.idea_selectors import (
    SORTS,
    filters_normalise,
    idea_list,
    idea_page,
    product_areas,
    similar_ideas,
)
from community.models import Idea, IdeaComment, IdeaStatus
from community.permissions import SIGN_IN
from community.templatetags.community_moderation import suspension_of_request

SECTION = "ideas"
SUBMITTED = "Thank you: your {kind} is posted. You will hear when the staff answer it."
EDIT_SAVED = "Your changes are saved."
COMMENT_POSTED = "Your comment is added."
FOLLOWING = "You follow this item: you will hear of status changes and comments."
UNFOLLOWED = "You no longer follow this item."
STATUS_SAVED = "The status is now “{status}”; the followers are told."
MERGED = "Merged into “{title}”: its votes and followers moved there."
HIDDEN_DONE = "The item is hidden: only staff who manage ideas see it."
SHOWN_DONE = "The item is visible again."
COMMENT_HIDDEN_DONE = "The comment is hidden."
COMMENT_SHOWN_DONE = "The comment is visible again."
VALUES = {"up": 1, "down": -1}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _idea_or_404(pk: int, viewer) -> Idea:
    """The item to act on, with its merge target; a 404 when hidden from ``viewer``."""
    idea = Idea.objects.select_related("merged_into").filter(pk=pk).first()
    if idea is None or (idea.hidden_at is not None and not can_see_hidden(member=viewer)):
        raise Http404("No such idea.")
    return idea


def _signed_out(request: HttpRequest, back: str) -> HttpResponse:
    if _wants_json(request):
        login_url = redirect_to_login(back)["Location"]
        return JsonResponse({"error": SIGN_IN, "login_url": login_url}, status=403)
    return redirect_to_login(back)


def _add_error(form, error: services.IdeaError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


# The list and submitting ---------------------------------------------------------------------


@require_GET
def ideas(request: HttpRequest) -> HttpResponse:
    """/community/ideas/: ideas and complaints, filtered by kind, status and product area,
    sorted top, newest or recently updated."""
    filters = filters_normalise(
        kind=request.GET.get("kind"),
        status=request.GET.get("status"),
        area=request.GET.get("area"),
        sort=request.GET.get("sort"),
    )
    areas = product_areas()
    if filters.area and filters.area not in {area.slug for area in areas}:
        filters = replace(filters, area="")
    listing = idea_list(filters=filters, page=request.GET.get("page"))
    base = reverse("community:ideas")
    context = {
        "listing": listing,
        "filters": filters,
        "areas": areas,
        "kinds": Idea.Kind.choices,
        "statuses": IdeaStatus.choices,
        "tabs": [
            {
                "label": label,
                "url": f"{base}?{filters.query_string(sort=key)}".rstrip("?"),
                "current": key == filters.sort,
            }
            for key, (label, _) in SORTS.items()
        ],
        "query_string": filters.query_string(),
        "community_section": SECTION,
    }
    return render(request, "community/ideas/list.html", context)


def idea_new(request: HttpRequest) -> HttpResponse:
    """/community/ideas/new/: submit an idea or a complaint (signed-in members who are not
    suspended); ``?kind=complaint`` preselects a complaint."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = submit_refusal(member=request.user, suspension=suspension_of_request(request))
    if request.method == "POST":
        form = IdeaForm(request.POST)
    else:
        kind = request.GET.get("kind")
        form = IdeaForm(initial={"kind": kind if kind in Idea.Kind.values else Idea.Kind.IDEA})
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if refusal is None and form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_create(
                    author=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    body_md=data["body"],
                    area=data["area"],
                )
            except services.IdeaError as error:
                _add_error(form, error)
            else:
                noun = "complaint" if idea.kind == Idea.Kind.COMPLAINT else "idea"
                messages.success(request, SUBMITTED.format(kind=noun))
                return redirect(idea.get_absolute_url())
    if refusal and request.method == "POST":
        status = HTTPStatus.FORBIDDEN
    context = {"form": form, "refusal": refusal, "community_section": SECTION}
    return render(request, "community/ideas/new.html", context, status=status)


@require_GET
def idea_similar(request: HttpRequest) -> HttpResponse:
    """/community/ideas/similar/?title=: items like a title being typed (a fragment for the
    submit form's script)."""
    title = request.GET.get("title", "")[:300]
    return render(request, "community/ideas/_similar.html", {"similar": similar_ideas(title=title)})


# An item's page ----------------------------------------------------------------------------------


def _idea_response(
    request: HttpRequest,
    pk: int,
    *,
    comment_form: IdeaCommentForm | None = None,
    status_form: StatusForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    viewer = request.user
    page = idea_page(idea_id=pk, viewer=viewer)
    if page is None:
        raise Http404("No such idea.")
    idea = page.idea
    suspension = suspension_of_request(request)
    signed_in = viewer.is_authenticated
    context = {
        "page_data": page,
        "idea": idea,
        "comments": page.comments,
        "history": page.history,
        "merged": page.merged,
        "manages": page.viewer_manages,
        "vote_refusal": vote_refusal(member=viewer, idea=idea, suspension=suspension),
        "comment_refusal": comment_refusal(member=viewer, idea=idea, suspension=suspension),
        "can_follow": signed_in
        and (
            idea.viewer_following
            or not follow_refusal(member=viewer, idea=idea, suspension=suspension)
        ),
        "can_edit": signed_in and not edit_refusal(member=viewer, idea=idea, suspension=suspension),
        "comment_form": comment_form or IdeaCommentForm(),
        "status_form": status_form or StatusForm(idea=idea),
        "merge_form": merge_form or MergeForm(),
        "statuses": IdeaStatus,
        "community_section": SECTION,
    }
    return render(request, "community/ideas/idea.html", context, status=status)


def idea(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/ideas/<pk>/: the item, its status and the staff's explanation, its status
    history, votes, comments and, for staff who manage ideas, the controls to answer it."""
    return _idea_response(request, pk)


def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/ideas/<pk>/edit/: its author (while it is new) and the staff edit it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = _idea_or_404(pk, request.user)
    suspension = suspension_of_request(request)
    refusal = edit_refusal(member=request.user, idea=idea, suspension=suspension)
    initial = {"kind": idea.kind, "title": idea.title, "body": idea.body_md, "area": idea.area_id}
    form = IdeaEditForm(
        request.POST if request.method == "POST" and not refusal else None, initial=initial
    )
    status = HTTPStatus.FORBIDDEN if refusal else HTTPStatus.OK
    if form.is_bound:
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.idea_edit(
                    idea=idea,
                    editor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    body_md=data["body"],
                    area=data["area"],
                )
            except services.IdeaError as error:
                _add_error(form, error)
            else:
                messages.success(request, EDIT_SAVED)
                return redirect(idea.get_absolute_url())
    context = {"form": form, "idea": idea, "refusal": refusal, "community_section": SECTION}
    return render(request, "community/ideas/edit.html", context, status=status)


@require_POST
def idea_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``value=up|down``: vote, turn the vote round or withdraw it (JSON for the page's
    script, else back to the item with a message)."""
    idea = _idea_or_404(pk, request.user)
    back = f"{idea.get_absolute_url()}#votes"
    if not request.user.is_authenticated:
        return _signed_out(request, idea.get_absolute_url())
    value = VALUES.get(request.POST.get("value", ""))
    try:
        if value is None:
            raise services.IdeaError(services.BAD_VALUE)
        outcome = services.idea_vote(member=request.user, idea=idea, value=value)
    except services.IdeaError as error:
        code = HTTPStatus.BAD_REQUEST if value is None else HTTPStatus.FORBIDDEN
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=code)
        messages.error(request, str(error))
        return redirect(back)
    if _wants_json(request):
        return JsonResponse(
            {"score": outcome.score, "value": outcome.value, "message": outcome.message}
        )
    messages.success(request, outcome.message)
    return redirect(back)


@require_POST
def idea_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``body``: comment on the item; errors come back on its page (400/403)."""
    idea = _idea_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _signed_out(request, idea.get_absolute_url())
    form = IdeaCommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.idea_comment(
                author=request.user, idea=idea, body_md=form.cleaned_data["body"]
            )
        except services.IdeaError as error:
            _add_error(form, error)
        else:
            messages.success(request, COMMENT_POSTED)
            return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    return _idea_response(request, pk, comment_form=form, status=HTTPStatus.BAD_REQUEST)


@require_POST
def idea_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: follow the item or stop following it (``follow=1|0``; a toggle without it)."""
    idea = _idea_or_404(pk, request.user)
    if not request.user.is_authenticated:
        return _signed_out(request, idea.get_absolute_url())
    wanted = {"1": True, "0": False}.get(request.POST.get("follow", ""))
    try:
        following = services.idea_follow(member=request.user, idea=idea, follow=wanted)
    except services.IdeaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, FOLLOWING if following else UNFOLLOWED)
    return redirect(idea.get_absolute_url())


def _staff_only(request: HttpRequest, idea: Idea) -> HttpResponse | None:
    """A visitor is sent to sign in; a member who does not manage ideas gets a 403 page."""
    if not request.user.is_authenticated:
        return _signed_out(request, idea.get_absolute_url())
    refusal = manage_refusal(member=request.user)
    if refusal:
        return render(
            request,
            "community/ideas/refused.html",
            {"refusal": refusal, "idea": idea, "community_section": SECTION},
            status=HTTPStatus.FORBIDDEN,
        )
    return None


@require_POST
def idea_status(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``status`` and ``explanation``: staff set the item's status (declining needs an
    explanation); errors come back on the item's page."""
    idea = _idea_or_404(pk, request.user)
    refused = _staff_only(request, idea)
    if refused is not None:
        return refused
    form = StatusForm(request.POST, idea=idea)
    if form.is_valid():
        try:
            change = services.idea_status_set(
                idea=idea,
                staff=request.user,
                status=form.cleaned_data["status"],
                explanation_md=form.cleaned_data["explanation"],
            )
        except services.IdeaError as error:
            _add_error(form, error)
        else:
            label = IdeaStatus(change.new_status).label
            messages.success(request, STATUS_SAVED.format(status=label))
            return redirect(f"{idea.get_absolute_url()}#status")
    return _idea_response(request, pk, status_form=form, status=HTTPStatus.BAD_REQUEST)


@require_POST
def idea_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``target`` (a number or address): staff merge this item into the target."""
    idea = _idea_or_404(pk, request.user)
    refused = _staff_only(request, idea)
    if refused is not None:
        return refused
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            target = services.idea_merge(
                duplicate=idea, target=form.cleaned_data["target"], staff=request.user
            )
        except services.IdeaError as error:
            _add_error(form, error)
        else:
            messages.success(request, MERGED.format(title=target.title))
            return redirect(target.get_absolute_url())
    return _idea_response(request, pk, merge_form=form, status=HTTPStatus.BAD_REQUEST)


@require_POST
def idea_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``hidden=1|0``: staff hide an abusive item or show it again."""
    idea = _idea_or_404(pk, request.user)
    refused = _staff_only(request, idea)
    if refused is not None:
        return refused
    hidden = request.POST.get("hidden") != "0"
    try:
        services.idea_hide(idea=idea, staff=request.user, hidden=hidden)
    except services.IdeaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, HIDDEN_DONE if hidden else SHOWN_DONE)
    return redirect(idea.get_absolute_url())


@require_POST
def idea_comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``hidden=1|0``: staff hide an abusive comment or show it again."""
    comment = IdeaComment.objects.select_related("idea").filter(pk=pk).first()
    if comment is None:
        raise Http404("No such comment.")
    idea = _idea_or_404(comment.idea_id, request.user)
    refused = _staff_only(request, idea)
    if refused is not None:
        return refused
    hidden = request.POST.get("hidden") != "0"
    try:
        services.idea_comment_hide(comment=comment, staff=request.user, hidden=hidden)
    except services.IdeaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, COMMENT_HIDDEN_DONE if hidden else COMMENT_SHOWN_DONE)
    return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
