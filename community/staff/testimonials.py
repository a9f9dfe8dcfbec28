"""Community › Testimonials in the Wagtail admin: the testimonials by status (waiting for staff,
waiting for the author, published, invited, withdrawn or declined), the proofread screen
(staff edit the text with a note and "Send to author for approval", or decline with a reason)
and invitations (one member, or every eligible member now).

Staff never publish: the author approves the staff's version on their own page, and only then
is it published. Holders of ``community.manage_testimonials`` (and superusers) see the menu and
open the screens; other staff get a 403 page naming the permission, members the admin's login.
Every action posts a form (CSRF) carrying the version token of what staff read, so an edit of a
testimonial the author changed meanwhile is refused with a message, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from community.models import Testimonial
from community.testimonial_selectors import (
    DEFAULT_STAFF_FILTER,
    STAFF_FILTERS,
    status_counts,
    testimonial_for_staff,
    testimonials_for_staff,
    text_diff,
)
from community.testimonial_services import (
    DECLINABLE,
    NOTE_MAX,
    PROOFREADABLE,
    REASON_MAX,
    TEXT_MAX,
    TestimonialError,
    can_manage_testimonials,
    testimonial_decline,
    testimonial_invite,
    testimonial_invite_eligible,
    testimonial_proofread,
    testimonial_version,
)
from portal.accounts.api import public_profile

Status = Testimonial.Status
Source = Testimonial.Source

SENT = "Sent to {name} for approval. It is published once they approve it."
DECLINED_DONE = "Declined; {name} is told your reason."
INVITED_DONE = "{name} is invited to write a testimonial."
ALREADY_INVITED = "{name} already has an open invitation for this; nothing changed."
SWEEP_DONE = "{count} member{plural} invited."
NO_SUCH_MEMBER = "No active member has this e-mail address."


# Forms


class ProofreadForm(forms.Form):
    edited_text = forms.CharField(
        label="Text to send to the author",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Correct and shorten as needed; the author sees every change and approves it.",
        error_messages={"required": "Write the text to send to the author."},
    )
    staff_note = forms.CharField(
        label="Note to the author (why you changed it)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.CharField(widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the author reads it)",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason: the author reads it."},
    )
    version = forms.CharField(widget=forms.HiddenInput)


def _course_model():
    return Testimonial._meta.get_field("course").remote_field.model


class InviteForm(forms.Form):
    email = forms.EmailField(label="Member's e-mail address")
    course = forms.TypedChoiceField(
        label="About the course (optional)", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = _course_model().objects.live().order_by("title").values_list("pk", "title")
        self.fields["course"].choices = [("", "No course: their experience with us"), *courses]

    def clean_email(self):
        member = (
            get_user_model()
            .objects.filter(email__iexact=self.cleaned_data["email"], is_active=True)
            .first()
        )
        if member is None:
            raise forms.ValidationError(NO_SUCH_MEMBER)
        self.member = member
        return self.cleaned_data["email"]

    def clean_course(self):
        pk = self.cleaned_data["course"]
        return _course_model().objects.live().filter(pk=pk).first() if pk else None


# Views


class ForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """A 403 page inside the admin, naming the permission the user lacks."""

    page_title = "Testimonials"
    header_icon = "warning"
    template_name = "community/testimonials/admin/forbidden.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get


forbidden = ForbiddenView.as_view()


class StaffView(WagtailAdminTemplateMixin, TemplateView):
    """Base of the testimonial screens: holders of ``manage_testimonials`` only."""

    header_icon = "openquote"
    parent_crumbs: list[tuple[str, str]] = []

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_testimonials(member=request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        crumbs = [{"url": reverse(name), "label": label} for name, label in self.parent_crumbs]
        return [*self.breadcrumbs_items, *crumbs, {"url": "", "label": self.get_page_title()}]


class ListView(StaffView):
    """Testimonials of one status filter (``?show=``), 50 a page, with each filter's count."""

    page_title = "Testimonials"
    template_name = "community/testimonials/admin/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", DEFAULT_STAFF_FILTER)
        if show not in STAFF_FILTERS:
            show = DEFAULT_STAFF_FILTER
        counts = status_counts()
        page = testimonials_for_staff(show=show, page=self.request.GET.get("p", 1))
        context.update(
            show=show,
            show_label=STAFF_FILTERS[show][0],
            filters=[(key, label, counts[key]) for key, (label, _) in STAFF_FILTERS.items()],
            page=page,
            rows=[
                {"testimonial": row, "author": public_profile(row.author)}
                for row in page.object_list
            ],
        )
        return context


class DetailView(StaffView):
    """The proofread screen: what the author wrote, the staff's version and note (with the
    differences), "Send to author for approval" and "Decline"."""

    template_name = "community/testimonials/admin/detail.html"
    parent_crumbs = [("community_testimonials:list", "Testimonials")]

    def dispatch(self, request, pk: int, *args, **kwargs):
        if can_manage_testimonials(member=request.user):
            self.testimonial = testimonial_for_staff(pk=pk)
        self.proofread_form = None
        self.decline_form = None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Testimonial by {public_profile(self.testimonial.author).name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        testimonial = self.testimonial
        version = testimonial_version(testimonial)
        proofread_form = self.proofread_form or ProofreadForm(
            initial={
                "edited_text": testimonial.edited_text or testimonial.original_text,
                "staff_note": testimonial.staff_note,
                "version": version,
            }
        )
        diff = None
        if testimonial.status == Status.AWAITING_AUTHOR:
            diff = text_diff(testimonial.original_text, testimonial.edited_text)
        context.update(
            testimonial=testimonial,
            author=public_profile(testimonial.author),
            editor=public_profile(testimonial.edited_by) if testimonial.edited_by else None,
            can_proofread=testimonial.status in PROOFREADABLE,
            can_decline=testimonial.status in DECLINABLE,
            proofread_form=proofread_form,
            decline_form=self.decline_form or DeclineForm(initial={"version": version}),
            diff=diff,
        )
        return context

    def refused(self, request: HttpRequest, form: forms.Form, *args, **kwargs) -> HttpResponse:
        """The screen again with the form's errors (400), showing the testimonial as it is now;
        the form carries its current version, so staff can send again once they have read it."""
        self.testimonial = testimonial_for_staff(pk=self.testimonial.pk)
        form.data = form.data.copy()
        form.data["version"] = testimonial_version(self.testimonial)
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response


class ProofreadView(DetailView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = ProofreadForm(request.POST)
        self.proofread_form = form
        if form.is_valid():
            try:
                testimonial_proofread(
                    staff=request.user, testimonial=self.testimonial, **form.cleaned_data
                )
            except TestimonialError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                name = public_profile(self.testimonial.author).name
                messages.success(request, SENT.format(name=name))
                return redirect("community_testimonials:detail", pk=self.testimonial.pk)
        return self.refused(request, form, *args, **kwargs)


class DeclineView(DetailView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = DeclineForm(request.POST)
        self.decline_form = form
        if form.is_valid():
            try:
                testimonial_decline(
                    staff=request.user, testimonial=self.testimonial, **form.cleaned_data
                )
            except TestimonialError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                name = public_profile(self.testimonial.author).name
                messages.success(request, DECLINED_DONE.format(name=name))
                return redirect("community_testimonials:detail", pk=self.testimonial.pk)
        return self.refused(request, form, *args, **kwargs)


class InviteView(StaffView):
    """Invite one member, about a course or not (GET shows the form, POST invites)."""

    page_title = "Invite a member"
    template_name = "community/testimonials/admin/invite.html"
    parent_crumbs = [("community_testimonials:list", "Testimonials")]

    def dispatch(self, request, *args, **kwargs):
        self.form = None
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = InviteForm(request.POST)
        if form.is_valid():
            name = public_profile(form.member).name
            try:
                _, created = testimonial_invite(
                    member=form.member,
                    source=Source.STAFF,
                    course=form.cleaned_data["course"],
                    actor=request.user,
                )
            except TestimonialError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                message = INVITED_DONE if created else ALREADY_INVITED
                messages.success(request, message.format(name=name))
                return redirect(f"{reverse('community_testimonials:list')}?show=invited")
        self.form = form
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form or InviteForm()
        return context


class InviteEligibleView(StaffView):
    """Run the daily invitation sweep now (POST)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        count = testimonial_invite_eligible()
        messages.success(request, SWEEP_DONE.format(count=count, plural="" if count == 1 else "s"))
        return redirect(f"{reverse('community_testimonials:list')}?show=invited")

    def get(self, request, *args, **kwargs):
        return redirect("community_testimonials:list")


urlpatterns = [
    path("", ListView.as_view(), name="list"),
    path("invite/", InviteView.as_view(), name="invite"),
    path("invite/eligible/", InviteEligibleView.as_view(), name="invite_eligible"),
    path("<int:pk>/", DetailView.as_view(), name="detail"),
    path("<int:pk>/proofread/", ProofreadView.as_view(), name="proofread"),
    path("<int:pk>/decline/", DeclineView.as_view(), name="decline"),
]


@hooks.register("register_admin_urls")
def register_testimonial_urls():
    return [path("community/testimonials/", include((urlpatterns, "community_testimonials")))]


class TestimonialsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_testimonials(member=request.user)


@hooks.register("register_community_menu_item")
def register_testimonials_menu_item():
    return TestimonialsMenuItem(
        "Testimonials",
        reverse("community_testimonials:list"),
        icon_name="openquote",
        name="testimonials",
        order=300,
    )
