"""The moderation screens in the Wagtail admin, under "Community": the moderation queue,
suspensions, the moderation log and a page per member with their record.

Only moderators (``community.permissions.is_moderator``: superusers and holders of
``community.moderate_community``) see the menu and open the screens; other staff get a 403 page
saying which permission they lack. Every action posts a form (CSRF) to a view that calls one
service of ``community.moderation_services``; a refused action (missing reason, another
moderator was first) is shown as a form error or a message, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from community.models import Answer, Comment, ModerationAction, Question, Suspension
from community.moderation_selectors import (
    excerpt,
    member_for_moderation,
    member_record,
    moderation_log,
    moderation_queue,
    suspensions_for_staff,
)
from community.moderation_services import (
    DISMISS_DONE,
    HIDE_DONE,
    LIFT_DONE,
    MESSAGE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RESTORE_DONE,
    SUSPEND_DONE,
    WARN_DONE,
    ModerationError,
    flag_dismiss,
    member_suspend,
    member_warn,
    post_hide,
    post_restore,
    suspension_lift,
    suspension_period,
)
from community.permissions import is_moderator
from portal.accounts.note_services import can_use_staff_notes

POST_MODELS = {"question": Question, "answer": Answer, "comment": Comment}
DURATIONS = [
    ("1", "1 day"),
    ("3", "3 days"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("forever", "For good"),
]


# Forms


def _flag_ids(value: str) -> list[int]:
    return [int(part) for part in (value or "").split(",") if part.strip().isdigit()]


class PostActionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (kept in the moderation log)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    flag_ids = forms.CharField(required=False, widget=forms.HiddenInput)


class HideForm(PostActionForm):
    reason = forms.CharField(
        label="Reason for hiding (kept in the moderation log)",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason: it is kept in the moderation log."},
    )


class WarnForm(forms.Form):
    message = forms.CharField(
        label="Warning (the member reads it in the site and by e-mail)",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the warning: the member reads it."},
    )


class SuspendForm(forms.Form):
    duration = forms.ChoiceField(label="For how long", choices=DURATIONS, initial="7")
    reason = forms.CharField(
        label="Reason (shown to the member and e-mailed to them)",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason: the member is told it."},
    )

    def days(self) -> int | None:
        value = self.cleaned_data["duration"]
        return None if value == "forever" else int(value)


class LiftForm(forms.Form):
    reason = forms.CharField(
        label="Note (optional, kept in the moderation log)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Views


class ForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """A 403 page inside the admin, naming the permission the user lacks."""

    page_title = "Community moderation"
    header_icon = "warning"
    template_name = "community/admin/forbidden.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get


forbidden = ForbiddenView.as_view()


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class ModeratorView(WagtailAdminTemplateMixin, TemplateView):
    """Base of the moderation screens: moderators only, with breadcrumbs under Community."""

    header_icon = "warning"
    parent_crumbs: list[tuple[str, str]] = []

    def dispatch(self, request, *args, **kwargs):
        if not is_moderator(member=request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        crumbs = [{"url": reverse(name), "label": label} for name, label in self.parent_crumbs]
        return [*self.breadcrumbs_items, *crumbs, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _safe_next(self.request, "")
        return context


class QueueView(ModeratorView):
    """Flagged posts, longest waiting first, with their flags and the actions at hand."""

    page_title = "Moderation queue"
    template_name = "community/admin/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = moderation_queue(page_number=self.request.GET.get("p", 1))
        context.update(page=page, items=page.items)
        return context


class PostActionView(ModeratorView):
    """Hide, restore or dismiss the flags of one post: a page with the form (for errors and
    no-JS use) and its POST."""

    template_name = "community/admin/post_action.html"
    parent_crumbs = [("community_moderation:queue", "Moderation queue")]
    actions = {
        "hide": ("Hide", HideForm, HIDE_DONE),
        "restore": ("Restore", PostActionForm, RESTORE_DONE),
        "dismiss": ("Dismiss the flags of", PostActionForm, DISMISS_DONE),
    }

    def dispatch(self, request, kind: str, pk: int, action: str, *args, **kwargs):
        if kind not in POST_MODELS or action not in self.actions:
            raise Http404
        self.kind, self.action = kind, action
        self.verb, form_class, self.done = self.actions[action]
        self.form = form_class(request.POST or None, initial={"flag_ids": request.GET.get("flags")})
        if is_moderator(member=request.user):
            self.post_object = get_object_or_404(
                POST_MODELS[kind].objects.select_related("author"), pk=pk
            )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.verb} this {self.kind}"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        back = _safe_next(request, reverse("community_moderation:queue"))
        if self.form.is_valid():
            data = self.form.cleaned_data
            service = {"hide": post_hide, "restore": post_restore, "dismiss": flag_dismiss}
            arguments = {"moderator": request.user, "post": self.post_object}
            arguments["reason"] = data["reason"]
            if self.action != "restore":
                arguments["flag_ids"] = _flag_ids(data["flag_ids"])
            try:
                service[self.action](**arguments)
            except ModerationError as error:
                if error.field in self.form.fields:
                    self.form.add_error(error.field, str(error))
                    return self.get(request, *args, **kwargs)
                messages.error(request, str(error))
                return redirect(back)
            messages.success(request, self.done)
            return redirect(back)
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            action=self.action,
            kind=self.kind,
            target=self.post_object,
            excerpt=excerpt(self.post_object.body_html),
            submit_label=f"{self.verb} this {self.kind}",
        )
        return context


class MemberView(ModeratorView):
    """One member's record: warnings, suspensions, moderation history; warn and suspend."""

    template_name = "community/admin/member.html"
    parent_crumbs = [("community_moderation:queue", "Moderation queue")]
    form_name = ""

    def dispatch(self, request, pk: int, *args, **kwargs):
        if is_moderator(member=request.user):
            self.member = member_for_moderation(member_id=pk)
            if self.member is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Moderation: {self.member.public_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = member_record(member=self.member)
        context.update(
            record=record,
            member=self.member,
            warn_form=getattr(self, "warn_form", None) or WarnForm(),
            suspend_form=getattr(self, "suspend_form", None) or SuspendForm(),
            can_suspend=not (self.member.is_staff or self.member.is_superuser)
            or self.request.user.is_superuser,
            is_self=self.member.pk == self.request.user.pk,
            period=suspension_period(record.active_suspension) if record.active_suspension else "",
            can_read_staff_notes=can_use_staff_notes(user=self.request.user),
        )
        return context


class WarnView(MemberView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.warn_form = WarnForm(request.POST)
        if self.warn_form.is_valid():
            try:
                member_warn(
                    moderator=request.user,
                    member=self.member,
                    message=self.warn_form.cleaned_data["message"],
                )
            except ModerationError as error:
                self.warn_form.add_error(
                    error.field if error.field in self.warn_form.fields else None, str(error)
                )
            else:
                messages.success(request, WARN_DONE.format(name=self.member.public_name))
                return redirect(_member_url(self.member, request))
        return self.get(request, *args, **kwargs)


class SuspendView(MemberView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.suspend_form = SuspendForm(request.POST)
        if self.suspend_form.is_valid():
            try:
                suspension = member_suspend(
                    moderator=request.user,
                    member=self.member,
                    reason=self.suspend_form.cleaned_data["reason"],
                    days=self.suspend_form.days(),
                )
            except ModerationError as error:
                field = "duration" if error.field == "days" else error.field
                self.suspend_form.add_error(
                    field if field in self.suspend_form.fields else None, str(error)
                )
            else:
                messages.success(
                    request,
                    SUSPEND_DONE.format(
                        name=self.member.public_name, period=suspension_period(suspension)
                    ),
                )
                return redirect(_member_url(self.member, request))
        return self.get(request, *args, **kwargs)


def _member_url(member, request: HttpRequest) -> str:
    url = reverse("community_moderation:member", args=[member.pk])
    return _safe_next(request, url)


class SuspensionsView(ModeratorView):
    """Suspensions in force (or all of them), with "Lift"."""

    page_title = "Suspensions"
    template_name = "community/admin/suspensions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self.request.GET.get("show") != "all"
        page = suspensions_for_staff(page_number=self.request.GET.get("p", 1), current=current)
        context.update(page=page, current=current, lift_form=LiftForm())
        return context


class LiftView(ModeratorView):
    """Confirm lifting one suspension (GET) and lift it (POST)."""

    template_name = "community/admin/lift.html"
    parent_crumbs = [("community_moderation:suspensions", "Suspensions")]
    page_title = "Lift a suspension"

    def dispatch(self, request, pk: int, *args, **kwargs):
        if is_moderator(member=request.user):
            self.suspension = get_object_or_404(
                Suspension.objects.select_related("member", "created_by"), pk=pk
            )
        self.form = LiftForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        back = _safe_next(request, reverse("community_moderation:suspensions"))
        if self.form.is_valid():
            try:
                suspension_lift(
                    moderator=request.user,
                    suspension=self.suspension,
                    reason=self.form.cleaned_data["reason"],
                )
            except ModerationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, LIFT_DONE.format(name=self.suspension.member.public_name))
            return redirect(back)
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            suspension=self.suspension,
            form=self.form,
            period=suspension_period(self.suspension),
        )
        return context


class LogView(ModeratorView):
    """Every moderator action, newest first, 50 a page, filterable by kind of action."""

    page_title = "Moderation log"
    header_icon = "history"
    template_name = "community/admin/log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", "")
        if action not in ModerationAction.Action.values:
            action = ""
        page = moderation_log(page_number=self.request.GET.get("p", 1), action=action)
        context.update(page=page, action=action, actions=ModerationAction.Action.choices)
        return context


urlpatterns = [
    path("", QueueView.as_view(), name="queue"),
    path(
        "posts/<str:kind>/<int:pk>/<str:action>/",
        PostActionView.as_view(),
        name="post_action",
    ),
    path("members/<int:pk>/", MemberView.as_view(), name="member"),
    path("members/<int:pk>/warn/", WarnView.as_view(), name="warn"),
    path("members/<int:pk>/suspend/", SuspendView.as_view(), name="suspend"),
    path("suspensions/", SuspensionsView.as_view(), name="suspensions"),
    path("suspensions/<int:pk>/lift/", LiftView.as_view(), name="lift"),
    path("log/", LogView.as_view(), name="log"),
]


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("community/moderation/", include((urlpatterns, "community_moderation")))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(member=request.user)


community_menu = Menu(register_hook_name="register_community_menu_item")


@hooks.register("register_admin_menu_item")
def register_community_menu():
    """ "Community" in the admin menu; other community screens join it through
    ``register_community_menu_item``."""
    return SubmenuMenuItem(
        "Community", community_menu, icon_name="comment", name="community", order=260
    )


@hooks.register("register_community_menu_item")
def register_queue_menu_item():
    return ModeratorMenuItem(
        "Moderation queue",
        reverse("community_moderation:queue"),
        icon_name="warning",
        name="moderation-queue",
        order=100,
    )


@hooks.register("register_community_menu_item")
def register_suspensions_menu_item():
    return ModeratorMenuItem(
        "Suspensions",
        reverse("community_moderation:suspensions"),
        icon_name="lock",
        name="suspensions",
        order=110,
    )


@hooks.register("register_community_menu_item")
def register_log_menu_item():
    return ModeratorMenuItem(
        "Moderation log",
        reverse("community_moderation:log"),
        icon_name="history",
        name="moderation-log",
        order=120,
    )
