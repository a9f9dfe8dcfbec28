"""Staff screens for recognition in the Wagtail admin, under "Community":

- **Recognition awards**: give a member a recognition badge ("Member of the month") with a
  citation (``thanks_services.recognition_give``: a verifiable credential through the
  certification app, e-mailed to the member and shown on the wall of thanks), see those given,
  and revoke one given by mistake. Superusers and staff holding ``certification.manage_badges``
  (``certification.api.can_give_recognition``).
- **Giveaways**: in ``community.staff.giveaways`` (imported at the end of this module, so
  registering this module registers both), on the base screen and menu item defined here.

Other staff get a 403 page naming the permission they lack. A refused action (a bad form, a
draw already made) is shown as a form error or a message, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certification import api as certification_api
from community.thanks_selectors import recognition_awards_for_staff
from community.thanks_services import recognition_give

RECOGNITION_PERMISSION = "“Can review MVP nominations and revoke badges” (certification)"
MEMBER_NOT_FOUND = "No member of this portal has that e-mail address."
GIVEN = "“{badge}” given to {name}; they are e-mailed its verify link."
REVOKED = "The recognition award of {name} is revoked; they are e-mailed the reason."


# Forms


class RecognitionForm(forms.Form):
    member = forms.EmailField(
        label="Member's e-mail address",
        help_text="The member you recognise (find it on their moderation record if needed).",
    )
    badge = forms.TypedChoiceField(label="Recognition badge", coerce=int)
    citation = forms.CharField(
        label="Citation (public: on the verify page, the badge and the wall of thanks)",
        max_length=certification_api.CITATION_MAX_LENGTH,
        help_text="What they are recognised for, e.g. “For 40 helpful answers on deployment "
        "in March, 25 of them accepted.”",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        # One query for the choices and for "is there any badge": the active recognition badges.
        self.badges = {badge.pk: badge for badge in certification_api.recognition_badges()}
        super().__init__(*args, **kwargs)
        self.fields["badge"].choices = [("", "Choose a badge")] + [
            (pk, badge.name) for pk, badge in self.badges.items()
        ]

    def clean_badge(self):
        return self.badges[self.cleaned_data["badge"]]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason (e-mailed to the member and shown on the verify page)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def form_error(form: forms.Form, error: Exception) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


# Views


class StaffScreen(WagtailAdminTemplateMixin, TemplateView):
    """A screen of this module: the permission first (a 403 page naming it), then breadcrumbs
    under the screen's index."""

    header_icon = "pick"
    permission_label = ""
    index_url_name = ""
    index_label = ""

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            response = ForbiddenView.as_view(
                permission_label=self.permission_label, page_title=self.index_label
            )(request)
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        if self.get_page_title() != self.index_label:
            items.append({"url": reverse(self.index_url_name), "label": self.index_label})
        return [*items, {"url": "", "label": self.get_page_title()}]


class ForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """A 403 page inside the admin, naming the permission the user lacks."""

    header_icon = "warning"
    template_name = "community/admin/recognition_forbidden.html"
    permission_label = ""
    page_title = ""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "permission": self.permission_label}


class RecognitionScreen(StaffScreen):
    header_icon = "pick"
    permission_label = RECOGNITION_PERMISSION
    index_url_name = "community_recognition:index"
    index_label = "Recognition awards"

    def allowed(self, user) -> bool:
        return certification_api.can_give_recognition(user=user)


class RecognitionIndexView(RecognitionScreen):
    """Give a recognition award (the form) and the awards given, newest first."""

    page_title = "Recognition awards"
    template_name = "community/admin/recognition.html"

    def get(self, request, *args, **kwargs):
        initial = {}
        member_id = request.GET.get("member", "")
        if member_id.isdigit():
            member = get_user_model().objects.filter(pk=int(member_id)).first()
            if member is not None:
                initial["member"] = member.email
        self.form = getattr(self, "form", None) or RecognitionForm(initial=initial)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.form = RecognitionForm(request.POST)
        if self.form.is_valid():
            data = self.form.cleaned_data
            member = get_user_model().objects.filter(email__iexact=data["member"]).first()
            if member is None:
                self.form.add_error("member", MEMBER_NOT_FOUND)
            else:
                try:
                    recognition_give(
                        staff=request.user,
                        member=member,
                        badge=data["badge"],
                        citation=data["citation"],
                    )
                except certification_api.RecognitionError as error:
                    form_error(self.form, error)
                else:
                    messages.success(
                        request, GIVEN.format(badge=data["badge"].name, name=member.public_name)
                    )
                    return redirect("community_recognition:index")
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            has_badges=bool(self.form.badges),
            page=recognition_awards_for_staff(page=self.request.GET.get("p", 1)),
        )
        return context


class RecognitionRevokeView(RecognitionScreen):
    """Revoke one recognition award given by mistake, with a reason."""

    template_name = "community/admin/recognition_revoke.html"

    def dispatch(self, request, pk: int, *args, **kwargs):
        if self.allowed(request.user):
            self.award = (
                certification_api.BadgeAward.objects.select_related("member", "badge")
                .filter(pk=pk, badge__kind="recognition")
                .first()
            )
            if self.award is None:
                raise Http404("No such recognition award.")
        self.form = RevokeForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Revoke “{self.award.badge.name}” of {self.award.member.public_name}"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.form.is_valid():
            try:
                certification_api.recognition_revoke(
                    staff=request.user, award=self.award, reason=self.form.cleaned_data["reason"]
                )
            except certification_api.RecognitionError as error:
                form_error(self.form, error)
            else:
                messages.success(request, REVOKED.format(name=self.award.member.public_name))
                return redirect("community_recognition:index")
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "award": self.award, "form": self.form}


recognition_urls = [
    path("", RecognitionIndexView.as_view(), name="index"),
    path("<int:pk>/revoke/", RecognitionRevokeView.as_view(), name="revoke"),
]


@hooks.register("register_admin_urls")
def register_recognition_urls():
    return [path("community/recognition/", include((recognition_urls, "community_recognition")))]


class PermissionMenuItem(MenuItem):
    """A menu item shown to those its screen lets in."""

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(user=request.user)


@hooks.register("register_community_menu_item")
def register_recognition_menu_item():
    return PermissionMenuItem(
        "Recognition awards",
        reverse("community_recognition:index"),
        icon_name="pick",
        name="recognition-awards",
        order=300,
        allowed=certification_api.can_give_recognition,
    )


from community.staff import giveaways  # noqa: E402, F401 - registers the giveaway screens
