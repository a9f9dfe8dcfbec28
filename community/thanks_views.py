"""The wall of thanks: the public wall, the "Say thanks" form (for an answer, a live session or
the team), staff's form for customers' compliments, and moderators' hide and restore.

Views only translate: ``thanks_selectors`` read, ``thanks_services`` decide and write; a refusal
or bad input (``CommunityError``) is shown on the same page (400 for bad input, 403 for a
refusal), never a 500. An answer or session that does not exist (in this portal) is a 404.
"""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.forms import HoneypotMixin
from community.permissions import CommunityError
from community.thanks_selectors import (
    SHOW_CHOICES,
    answer_for_thanks,
    session_for_thanks,
    show_normalise,
    thanks_for_moderation,
)
from community.thanks_selectors import wall as wall_page
from community.thanks_services import (
    COMPLIMENT_POSTED,
    CUSTOMER_NAME_MAX_LENGTH,
    HIDDEN,
    MESSAGE_MAX_LENGTH,
    RESTORED,
    SENT,
    can_hide_thanks,
    can_post_compliment,
    compliment_create,
    thanks_create,
    thanks_hide,
    thanks_refusal,
    thanks_restore,
)

SECTION = "thanks"
MESSAGE_HELP = (
    "Say what helped, in up to 1,000 characters. Markdown: **bold**, *italic*, `code`, links. "
    "Everyone can read the wall."
)


class ThanksForm(HoneypotMixin, forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=MESSAGE_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a few words: say what helped you."},
    )


class ComplimentForm(forms.Form):
    customer_name = forms.CharField(
        label="Customer's name, as they agreed to be shown",
        max_length=CUSTOMER_NAME_MAX_LENGTH,
        help_text="For example “Maria, Lisbon” or “The data team at Acme”. Ask before naming.",
    )
    message = forms.CharField(
        label="The compliment",
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Their words, up to 1,000 characters (Markdown: **bold**, *italic*, links).",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _tabs(current: str) -> list[dict]:
    base = reverse("community:thanks")
    return [
        {
            "key": key,
            "label": label,
            "url": f"{base}?show={key}" if key else base,
            "current": key == current,
        }
        for key, label in SHOW_CHOICES.items()
    ]


@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """/community/thanks/: thanks, compliments and recognition awards, newest first, 20 a page
    (``?show=thanks|compliments|recognition``). Moderators also see hidden messages, marked."""
    can_moderate = can_hide_thanks(user=request.user)
    show = show_normalise(request.GET.get("show"))
    page = wall_page(show=show, page=request.GET.get("page"), include_hidden=can_moderate)
    context = {
        "community_section": SECTION,
        "wall": page,
        "tabs": _tabs(show),
        "query_string": f"show={show}" if show else "",
        "can_moderate": can_moderate,
        "can_compliment": can_post_compliment(user=request.user),
        "next": request.get_full_path(),
    }
    return render(request, "community/thanks/wall.html", context)


def _target(request: HttpRequest):
    """The answer or session ``?answer=`` / ``?session=`` names (404 when unknown), or the team."""
    if "answer" in request.GET:
        answer = answer_for_thanks(request.GET["answer"])
        if answer is None:
            raise Http404("No such answer.")
        return answer, None
    if "session" in request.GET:
        session = session_for_thanks(request.GET["session"])
        if session is None:
            raise Http404("No such session.")
        return None, session
    return None, None


@login_required
@require_http_methods(["GET", "POST"])
def thanks_new(request: HttpRequest) -> HttpResponse:
    """Say thanks: for an answer (``?answer=<id>``: its author), for a live session
    (``?session=<id>``: the team, naming the host), or to the team (neither)."""
    answer, session = _target(request)
    refusal = thanks_refusal(member=request.user, answer=answer, session=session)
    form = ThanksForm(request.POST if request.method == "POST" else None)
    status = HTTPStatus.OK
    if request.method == "POST":
        if refusal:
            status = HTTPStatus.FORBIDDEN
        elif form.is_valid():
            try:
                thanks = thanks_create(
                    author=request.user,
                    message_md=form.cleaned_data["message"],
                    answer=answer,
                    session=session,
                )
            except CommunityError as error:
                form.add_error("message", str(error))
                status = HTTPStatus.BAD_REQUEST
            else:
                messages.success(request, SENT)
                return redirect(f"{reverse('community:thanks')}#thanks-{thanks.pk}")
        else:
            status = HTTPStatus.BAD_REQUEST
    answer_visible = answer is not None and answer.hidden_at is None
    answer_visible = answer_visible and answer.question.hidden_at is None
    context = {
        "community_section": SECTION,
        "form": form,
        "answer": answer if answer_visible else None,
        "session": session if session is not None and session.live else None,
        "target": "answer" if answer is not None else "session" if session is not None else "team",
        "refusal": refusal,
        "action": request.get_full_path(),
    }
    return render(request, "community/thanks/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def compliment_new(request: HttpRequest) -> HttpResponse:
    """Staff post a customer's compliment to the team (403 for anyone else)."""
    if not can_post_compliment(user=request.user):
        return render(
            request,
            "community/thanks/forbidden.html",
            {"community_section": SECTION},
            status=HTTPStatus.FORBIDDEN,
        )
    form = ComplimentForm(request.POST if request.method == "POST" else None)
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                thanks = compliment_create(
                    staff=request.user,
                    customer_name=form.cleaned_data["customer_name"],
                    message_md=form.cleaned_data["message"],
                )
            except CommunityError as error:
                form.add_error(None, str(error))
                status = HTTPStatus.BAD_REQUEST
            else:
                messages.success(request, COMPLIMENT_POSTED)
                return redirect(f"{reverse('community:thanks')}#thanks-{thanks.pk}")
        else:
            status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "community/thanks/compliment.html",
        {"community_section": SECTION, "form": form},
        status=status,
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith(reverse("community:thanks")):
        return target
    return reverse("community:thanks")


def _moderate(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    thanks = thanks_for_moderation(pk)
    if thanks is None:
        raise Http404("No such message.")
    try:
        service(moderator=request.user, thanks=thanks)
    except CommunityError as error:
        if not can_hide_thanks(user=request.user):
            return render(
                request,
                "community/thanks/forbidden.html",
                {"community_section": SECTION, "message": str(error)},
                status=HTTPStatus.FORBIDDEN,
            )
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(_back(request))


@login_required
@require_POST
def thanks_hide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderators hide a message from the wall."""
    return _moderate(request, pk, thanks_hide, HIDDEN)


@login_required
@require_POST
def thanks_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderators put a hidden message back on the wall."""
    return _moderate(request, pk, thanks_restore, RESTORED)
