"""The staff's member screens in the Wagtail admin (Members): find a member, and on their page
what staff should remember about them: staff-only notes (add, edit, delete, each change in the
note's history), their stated interests and their referrals.

Only superusers and holders of ``accounts.view_staff_notes`` (``can_use_staff_notes``, the rule
the services apply too) open these screens; other admin users get a 403 page naming the
permission, and members never get past the admin's own sign-in. Registered in
``portal.accounts.wagtail_hooks``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.accounts import note_selectors, note_services
from portal.accounts.note_services import BODY_MAX_LENGTH, NoteError, can_use_staff_notes


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note (staff only: the member never sees it)",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": note_services.EMPTY, "max_length": note_services.TOO_LONG},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """A 403 page inside the admin, naming the permission the user lacks."""

    page_title = "Members"
    header_icon = "warning"
    template_name = "accounts/admin/forbidden.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get


forbidden = ForbiddenView.as_view()


class StaffView(WagtailAdminTemplateMixin, TemplateView):
    """Base of the member screens: the permission first, then breadcrumbs under Members."""

    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not can_use_staff_notes(user=request.user):
            return forbidden(request)
        self.setup_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_objects(self, **kwargs) -> None:
        """Load what the URL names (404 if it is not there); called after the permission."""

    def crumbs(self) -> list[dict]:
        return [{"url": reverse("member_notes:index"), "label": "Members"}]

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *self.crumbs(),
            {"url": "", "label": self.get_page_title()},
        ]


class MemberListView(StaffView):
    """Members by name with how many notes each has; search by name or e-mail."""

    page_title = "Members"
    template_name = "accounts/admin/members.html"

    def crumbs(self) -> list[dict]:
        return []

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:100]
        page = note_selectors.members_for_staff(query=query, page_number=self.request.GET.get("p"))
        params = urlencode({"q": query}) if query else ""
        return {
            **super().get_context_data(**kwargs),
            "query": query,
            "params": params,
            "page": page,
        }


class MemberMixin:
    def setup_objects(self, *, pk: int, **kwargs) -> None:
        self.member = note_selectors.member_for_notes(member_id=pk)
        if self.member is None:
            raise Http404("No such member.")


class MemberView(MemberMixin, StaffView):
    """A member's page: who they are, their interests and referrals, their notes; add one."""

    template_name = "accounts/admin/member.html"

    def get_page_title(self):
        return f"Member: {self.member.public_name}"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.form = NoteForm(request.POST)
        if self.form.is_valid():
            try:
                note_services.note_create(
                    member=self.member, author=request.user, body=self.form.cleaned_data["body"]
                )
            except NoteError as error:
                self.form.add_error("body", str(error))
            else:
                messages.success(request, note_services.ADDED)
                return redirect("member_notes:member", self.member.pk)
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from community.permissions import is_moderator

        return {
            **super().get_context_data(**kwargs),
            "member": self.member,
            "notes": note_selectors.notes_for(member=self.member),
            "form": getattr(self, "form", None) or NoteForm(),
            "show_moderation": is_moderator(member=self.request.user),
        }


class NoteMixin(MemberMixin):
    def setup_objects(self, *, pk: int, note_id: int, **kwargs) -> None:
        self.note = note_selectors.note_of_member(member_id=pk, note_id=note_id)
        if self.note is None:
            raise Http404("No such note.")
        self.member = self.note.member

    def crumbs(self) -> list[dict]:
        url = reverse("member_notes:member", args=[self.member.pk])
        return [*super().crumbs(), {"url": url, "label": self.member.public_name}]

    def back(self) -> str:
        return reverse("member_notes:member", args=[self.member.pk])


class NoteEditView(NoteMixin, StaffView):
    """Edit a note's text (refused if someone changed it meanwhile, or it was deleted)."""

    page_title = "Edit a note"
    template_name = "accounts/admin/note_edit.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.form = NoteForm(request.POST)
        if self.form.is_valid():
            try:
                note_services.note_edit(
                    note=self.note,
                    editor=request.user,
                    body=self.form.cleaned_data["body"],
                    version=self.form.cleaned_data["version"],
                )
            except NoteError as error:
                if str(error) == note_services.CHANGED_MEANWHILE:
                    # Show their version; keep the editor's text in the box to merge by hand.
                    self.note.refresh_from_db()
                    self.form = NoteForm(
                        {
                            "body": self.form.cleaned_data["body"],
                            "version": note_services.note_version(note=self.note),
                        }
                    )
                    self.form.is_valid()
                self.form.add_error(None, str(error))
            else:
                messages.success(request, note_services.EDITED)
                return redirect(self.back())
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = getattr(self, "form", None) or NoteForm(
            initial={"body": self.note.body, "version": self.note.change_count}
        )
        return {
            **super().get_context_data(**kwargs),
            "member": self.member,
            "note": self.note,
            "form": form,
        }


class NoteDeleteView(NoteMixin, StaffView):
    """Confirm (GET) and delete (POST) a note; it stays in its history."""

    page_title = "Delete a note"
    template_name = "accounts/admin/note_delete.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            note_services.note_delete(note=self.note, editor=request.user)
        except NoteError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, note_services.REMOVED)
        return redirect(self.back())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member, "note": self.note}


class NoteHistoryView(NoteMixin, StaffView):
    """Every change of a note: who, when, what it said afterwards."""

    page_title = "History of a note"
    header_icon = "history"
    template_name = "accounts/admin/note_history.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "member": self.member,
            "note": self.note,
            "changes": note_selectors.note_history(note=self.note),
        }


urlpatterns = [
    path("", MemberListView.as_view(), name="index"),
    path("<int:pk>/", MemberView.as_view(), name="member"),
    path("<int:pk>/notes/<int:note_id>/edit/", NoteEditView.as_view(), name="note_edit"),
    path("<int:pk>/notes/<int:note_id>/delete/", NoteDeleteView.as_view(), name="note_delete"),
    path("<int:pk>/notes/<int:note_id>/history/", NoteHistoryView.as_view(), name="note_history"),
]
