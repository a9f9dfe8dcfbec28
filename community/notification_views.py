"""Notifications, follows and e-mail preferences.

The list shows the member's notifications newest first, 30 a page, and marks those shown read
(the page still highlights them as new this once). Follow buttons are forms: they POST here
and come back with a message. Writes go through ``notification_services``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from community.list_selectors import visible_questions
from community.models import Notification, NotificationPreference, Tag
from community.notification_services import (
    follow_toggle,
    notifications_mark_read,
    preference_for,
    row_path,
)
from portal.accounts.api import public_profile

PER_PAGE = 30
ALL_READ = "All notifications are marked read."
ONE_READ = "Notification marked read."
NOT_FOUND = "That notification was not found; nothing changed."
SAVED = "Your notification settings are saved."
FOLLOWING_QUESTION = "You follow this question: new answers and comments will notify you."
UNFOLLOWED_QUESTION = "You no longer follow this question."
FOLLOWING_TAG = "You follow “{name}”: new questions in it will notify you."
UNFOLLOWED_TAG = "You no longer follow “{name}”."


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["answers", "comments", "accepted", "followed"]
        labels = {
            "answers": "New answers to my questions",
            "comments": "New comments on my questions and answers",
            "accepted": "My answer is accepted",
            "followed": "Activity on questions and tags I follow",
        }
        widgets = {name: forms.RadioSelect for name in fields}


def _back(request: HttpRequest, default: str) -> str:
    """The ``next`` field if it is a path on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first; those shown are marked read."""
    rows = Notification.objects.filter(member=request.user).select_related(
        "actor", "question", "answer", "idea"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for row in page.object_list:
        gone = (row.question is not None and row.question.hidden_at is not None) or (
            row.idea is not None and row.idea.hidden_at is not None
        )
        url = "" if gone else row_path(row)
        items.append(
            {
                "label": row.get_kind_display(),
                "title": row.text,
                "url": url,
                "actor_name": public_profile(row.actor).name if row.actor else "",
                "created_at": row.created_at,
                "unread": row.read_at is None,
            }
        )
    unread_ids = [row.pk for row in page.object_list if row.read_at is None]
    if unread_ids:
        Notification.objects.filter(pk__in=unread_ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return render(
        request,
        "community/notifications.html",
        {"community_section": "notifications", "page": page, "items": items},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification read, or only ``?id=`` (or the ``id`` field)."""
    raw = request.POST.get("id") or request.GET.get("id")
    if raw:
        if not raw.isdigit() or not notifications_mark_read(
            member=request.user, notification_id=int(raw)
        ):
            messages.error(request, NOT_FOUND)
        else:
            messages.success(request, ONE_READ)
    else:
        notifications_mark_read(member=request.user)
        messages.success(request, ALL_READ)
    return redirect(_back(request, reverse("community:notifications")))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose, for each kind of activity, an e-mail right away, in a daily digest, or never."""
    instance = preference_for(member=request.user)
    form = PreferencesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        preference = form.save(commit=False)
        preference.member = request.user
        NotificationPreference.objects.update_or_create(
            member=request.user, defaults={f: getattr(preference, f) for f in form.Meta.fields}
        )
        messages.success(request, SAVED)
        return redirect("community:preferences")
    return render(
        request,
        "community/preferences.html",
        {"community_section": "notifications", "form": form},
    )


@login_required
@require_POST
def question_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow or stop following a visible question."""
    question = get_object_or_404(visible_questions(), pk=pk)
    following = follow_toggle(member=request.user, question=question)
    messages.success(request, FOLLOWING_QUESTION if following else UNFOLLOWED_QUESTION)
    return redirect(_back(request, question.get_absolute_url()))


@login_required
@require_POST
def tag_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow or stop following a tag."""
    tag = get_object_or_404(Tag, slug=slug)
    following = follow_toggle(member=request.user, tag=tag)
    message = FOLLOWING_TAG if following else UNFOLLOWED_TAG
    messages.success(request, message.format(name=tag.name))
    return redirect(_back(request, reverse("community:tag", args=[tag.slug])))
