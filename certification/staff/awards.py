"""Staff screens for awards: each certification's awards with a status filter, and revocation.

Under Certification › Awards in the admin. Only superusers and staff with the
``certification.revoke_award`` permission see them (``can_manage_awards``, the one rule). A
revocation needs a reason, emails the member and keeps the award in their history.
"""

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

from certification.award_selectors import STATUS_FILTERS, awards_for_staff, certification_list
from certification.award_services import REASON_MAX_LENGTH, AwardError, award_revoke
from certification.models import Award

PERMISSION = "certification.revoke_award"


def can_manage_awards(*, user) -> bool:
    """Superusers and holders of ``certification.revoke_award`` see and revoke awards."""
    return user.is_superuser or user.has_perm(PERMISSION)


def _require(request: HttpRequest) -> None:
    if not can_manage_awards(user=request.user):
        raise PermissionDenied


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason (emailed to the member and kept with the award)",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AwardIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The certifications; for the chosen one, its awards filtered by status."""

    page_title = "Awards"
    header_icon = "success"
    template_name = "certification/admin/awards.html"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certifications = list(certification_list())
        chosen = None
        requested = self.request.GET.get("certification", "")
        if requested.isdigit():
            chosen = next((c for c in certifications if c.pk == int(requested)), None)
        elif certifications:
            chosen = certifications[0]
        status = self.request.GET.get("status", "")
        if status not in STATUS_FILTERS:
            status = ""
        awards = list(awards_for_staff(certification=chosen, status=status)) if chosen else []
        context.update(
            certifications=certifications,
            chosen=chosen,
            status=status,
            statuses=STATUS_FILTERS,
            awards=awards,
        )
        return context


class RevokeView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm the revocation of one award, with the required reason (POST with CSRF)."""

    header_icon = "warning"
    template_name = "certification/admin/revoke.html"

    def dispatch(self, request, award_id: int, *args, **kwargs):
        _require(request)
        self.award = get_object_or_404(
            Award.objects.select_related("member", "certification"), pk=award_id
        )
        self.form = RevokeForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Revoke “{self.award.certification.name}”"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("certification_awards:index"), "label": "Awards"},
            {"url": "", "label": self.get_page_title()},
        ]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.form.is_valid():
            try:
                award_revoke(
                    award=self.award,
                    reason=self.form.cleaned_data["reason"],
                    revoked_by=request.user,
                )
            except AwardError as error:
                self.form.add_error("reason", str(error))
            else:
                messages.success(
                    request, f"Award revoked; {self.award.member.email} is emailed the reason."
                )
                url = reverse("certification_awards:index")
                return redirect(f"{url}?certification={self.award.certification_id}")
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(award=self.award, form=self.form)
        return context


urlpatterns = [
    path("", AwardIndexView.as_view(), name="index"),
    path("<int:award_id>/revoke/", RevokeView.as_view(), name="revoke"),
]


@hooks.register("register_admin_urls")
def register_award_urls():
    return [path("certification/awards/", include((urlpatterns, "certification_awards")))]


class AwardsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_awards(user=request.user)


@hooks.register("register_certification_menu_item")
def register_awards_menu_item():
    return AwardsMenuItem("Awards", reverse("certification_awards:index"), icon_name="success")
