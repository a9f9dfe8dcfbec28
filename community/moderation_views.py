"""Members' side of moderation: flagging a question, an answer or a comment.

The "Flag" disclosure beside each post (``community/includes/flag.html``) posts here; without
JavaScript, or after a mistake, the same form is its own page. A flag is answered with a
message and a redirect back to the post. The queue itself is in the Wagtail admin
(``community.staff.moderation``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from community.models import Answer, Comment, Flag, Question
from community.moderation_selectors import excerpt, post_url, question_of
from community.moderation_services import (
    FLAG_NOTE_TOO_LONG,
    FLAG_OWN_POST,
    FLAG_REASON_INVALID,
    FLAG_THANKS,
    NOTE_MAX_LENGTH,
    ModerationError,
    flag_create,
)
from community.permissions import is_moderator, participation_refusal

POSTS = {
    "question": Question.objects.select_related("author"),
    "answer": Answer.objects.select_related("author", "question"),
    "comment": Comment.objects.select_related("author", "question", "answer__question"),
}


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this post?",
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": FLAG_REASON_INVALID, "invalid_choice": FLAG_REASON_INVALID},
    )
    note = forms.CharField(
        label="Note for the moderators",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Optional, except for “Something else”. Only moderators read it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": FLAG_NOTE_TOO_LONG},
    )


@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET: the flag form as a page; POST: flag the post, then back to it with a message."""
    if kind not in POSTS:
        raise Http404
    post = get_object_or_404(POSTS[kind], pk=pk)
    user = request.user
    if post.hidden_at is not None and not (
        is_moderator(member=user) or (user.is_authenticated and post.author_id == user.pk)
    ):
        raise Http404  # hidden posts exist only for their author and the moderators
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back = post_url(post)
    refusal = participation_refusal(member=user)
    if not refusal and post.author_id == user.pk:
        refusal = FLAG_OWN_POST
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect(back)
        if form.is_valid():
            try:
                flag_create(
                    reporter=user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    **{kind: post},
                )
            except ModerationError as error:
                if error.field not in form.fields:
                    messages.error(request, str(error))
                    return redirect(back)
                form.add_error(error.field, str(error))
            else:
                messages.success(request, FLAG_THANKS)
                return redirect(back)
    context = {
        "community_section": "questions",
        "form": form,
        "kind": kind,
        "post": post,
        "post_excerpt": excerpt(post.body_html),
        "question": question_of(post),
        "back": back,
        "refusal": refusal,
    }
    return render(request, "community/flag.html", context)
