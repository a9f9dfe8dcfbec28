"""Staff screens of the MVP programme, under Certification › MVP nominations and › MVPs.

The queue shows pending nominations grouped by nominee; a review approves (awarding or renewing
the MVP title) or declines (with a note for the records) all of that nominee's pending
nominations. The MVP list renews titles for a year or revokes them with a reason. Staff find a
member to nominate by name or e-mail here. Only superusers and staff with the
``certification.manage_badges`` permission see any of it (``can_manage_mvp``, the one rule,
which the member-facing templates ask too)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certification.models import Badge, BadgeAward, Nomination
from certification.mvp_selectors import (
    mvps_for_staff,
    nomination_queue,
    nominee_group,
    nominee_search,
)
from certification.mvp_services import (
    EXPERTISE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    MvpError,
    badge_award_revoke,
    mvp_renew,
    nomination_approve,
    nomination_decline,
)

PERMISSION = "certification.manage_badges"


def can_manage_mvp(*, user) -> bool:
    """Superusers, and staff holding ``certification.manage_badges``, review and manage MVPs.

    Members who are not staff are refused without a query (the public directory asks this
    for every visitor).
    """
    return bool(user.is_superuser or (user.is_staff and user.has_perm(PERMISSION)))


def _require(request: HttpRequest) -> None:
    if not can_manage_mvp(user=request.user):
        raise PermissionDenied


class StaffView(WagtailAdminTemplateMixin, TemplateView):
    """A screen of the MVP programme: permission first, then breadcrumbs under the queue."""

    header_icon = "crosshairs"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        if self.get_page_title() != QueueView.page_title:
            items.append({"url": reverse("certification_mvp:index"), "label": "MVP nominations"})
        return [*items, {"url": "", "label": self.get_page_title()}]


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Note for the staff records (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH}),
    )
    expertise = forms.CharField(
        label="Areas of expertise (comma separated, shown in the MVP directory)",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": EXPERTISE_MAX_LENGTH}),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Why it is declined (required; kept for staff, nobody is emailed)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason (emailed to the member and kept with the title)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
    )


def _form_error(form: forms.Form, error: MvpError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


class QueueView(StaffView):
    """Pending nominations grouped by nominee, the longest waiting first."""

    page_title = "MVP nominations"
    template_name = "certification/admin/mvp_queue.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "groups": nomination_queue()}


class ReviewView(StaffView):
    """One nominee's nominations with the approve and decline forms (POST to ``action``)."""

    template_name = "certification/admin/mvp_review.html"
    action = ""

    def dispatch(self, request, nomination_id: int, *args, **kwargs):
        _require(request)  # before the lookup: no hint of which ids exist
        self.nomination = get_object_or_404(
            Nomination.objects.select_related("nominee"), pk=nomination_id
        )
        data = request.POST if request.method == "POST" else None
        self.approve_form = ApproveForm(data if self.action == "approve" else None)
        self.decline_form = DeclineForm(data if self.action == "decline" else None)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Nomination of {self.nomination.nominee.public_name}"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.action == "approve" and self.approve_form.is_valid():
            try:
                award = nomination_approve(
                    nomination=self.nomination,
                    reviewed_by=request.user,
                    note=self.approve_form.cleaned_data["note"],
                    expertise=self.approve_form.cleaned_data["expertise"],
                )
            except MvpError as error:
                _form_error(self.approve_form, error)
            else:
                verb = "renewed" if award.renewed_from_id else "awarded"
                messages.success(
                    request,
                    f"MVP title {verb} until {award.expires_at:%-d %B %Y}; "
                    f"{award.member.email} is emailed the news.",
                )
                return redirect("certification_mvp:index")
        if self.action == "decline" and self.decline_form.is_valid():
            try:
                count = nomination_decline(
                    nomination=self.nomination,
                    reviewed_by=request.user,
                    note=self.decline_form.cleaned_data["note"],
                )
            except MvpError as error:
                _form_error(self.decline_form, error)
            else:
                messages.success(request, f"{count} nomination(s) declined; nobody is emailed.")
                return redirect("certification_mvp:index")
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = nominee_group(nomination=self.nomination)
        if not self.approve_form.is_bound:
            self.approve_form.initial = {"expertise": group.expertise}
        context.update(
            group=group,
            nomination=self.nomination,
            pending=self.nomination.status == Nomination.Status.PENDING,
            approve_form=self.approve_form,
            decline_form=self.decline_form,
        )
        return context


class MvpListView(StaffView):
    """The valid MVP titles, the soonest to expire first, with renew and revoke."""

    page_title = "MVPs"
    template_name = "certification/admin/mvp_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "awards": mvps_for_staff()}


class AwardActionView(StaffView):
    """Renew (confirm, then POST) or revoke (reason, then POST) one MVP title."""

    action = ""

    def dispatch(self, request, award_id: int, *args, **kwargs):
        _require(request)
        self.award = get_object_or_404(
            BadgeAward.objects.select_related("member", "badge"),
            pk=award_id,
            badge__kind=Badge.Kind.MVP,
        )
        self.form = RevokeForm(request.POST or None) if self.action == "revoke" else None
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [f"certification/admin/mvp_{self.action}.html"]

    def get_page_title(self):
        verb = "Renew" if self.action == "renew" else "Revoke"
        return f"{verb} the MVP title of {self.award.member.public_name}"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            if self.action == "renew":
                award = mvp_renew(award=self.award, renewed_by=request.user)
                done = f"MVP title renewed until {award.expires_at:%-d %B %Y}"
            else:
                badge_award_revoke(
                    award=self.award,
                    reason=self.form.data.get("reason", ""),
                    revoked_by=request.user,
                )
                done = "MVP title revoked"
        except MvpError as error:
            if self.form is None:
                messages.error(request, str(error))
                return redirect("certification_mvp:mvps")
            _form_error(self.form, error)
            return self.get(request, *args, **kwargs)
        messages.success(request, f"{done}; {self.award.member.email} is emailed.")
        return redirect("certification_mvp:mvps")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(award=self.award, form=self.form)
        return context


class SearchView(StaffView):
    """Find a member by name or e-mail to nominate them (staff may look up e-mails)."""

    page_title = "Find a member to nominate"
    template_name = "certification/admin/mvp_search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")
        return {
            **super().get_context_data(**kwargs),
            "query": query,
            "members": nominee_search(query=query),
        }


urlpatterns = [
    path("", QueueView.as_view(), name="index"),
    path("<int:nomination_id>/", ReviewView.as_view(), name="review"),
    path("<int:nomination_id>/approve/", ReviewView.as_view(action="approve"), name="approve"),
    path("<int:nomination_id>/decline/", ReviewView.as_view(action="decline"), name="decline"),
    path("mvps/", MvpListView.as_view(), name="mvps"),
    path("mvps/<int:award_id>/renew/", AwardActionView.as_view(action="renew"), name="renew"),
    path("mvps/<int:award_id>/revoke/", AwardActionView.as_view(action="revoke"), name="revoke"),
    path("members/", SearchView.as_view(), name="search"),
]


@hooks.register("register_admin_urls")
def register_mvp_urls():
    return [path("certification/mvp/", include((urlpatterns, "certification_mvp")))]


class MvpMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_mvp(user=request.user)


@hooks.register("register_certification_menu_item")
def register_mvp_menu_items():
    return MvpMenuItem(
        "MVP nominations", reverse("certification_mvp:index"), icon_name="crosshairs"
    )


@hooks.register("register_certification_menu_item")
def register_mvps_menu_item():
    return MvpMenuItem("MVPs", reverse("certification_mvp:mvps"), icon_name="group")
