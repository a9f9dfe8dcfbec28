"""Staff screens for live and classroom sessions in the Wagtail admin: the sessions and a roster.

"Sessions" in the admin menu lists upcoming and recent sessions with their seats, seat requests
and waiting lists. Each session's roster (also linked from the page explorer) is where staff
confirm or decline seat requests, mark attendance once the session has started, and download
the roster as CSV or Excel. Only staff who can edit the session's page (Wagtail page
permissions) or superusers see either; every write goes through ``courses.session_services``.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import LiveSessionPage, SessionRegistration
from courses.services import CourseError
from courses.session_services import (
    attendance_mark,
    session_confirm,
    session_decline,
)
from portal.spreadsheets import csv_cell

Status = SessionRegistration.Status
RECENT = timedelta(days=30)
ATTENDANCE_CHOICES = {"attended": True, "no-show": False, "clear": None}
BAD_ATTENDANCE = "Choose attended, no-show or clear."
ROSTER_ORDER = [Status.REGISTERED, Status.REQUESTED, Status.WAITLISTED, Status.DECLINED]


def can_manage_session(*, user, session: LiveSessionPage) -> bool:
    """Staff who may edit the session's page (or superusers) run its roster; the one rule."""
    return session.permissions_for_user(user).can_edit()


def access_session(*, user, session_id: int) -> LiveSessionPage:
    """The session, if ``user`` may manage it. Raises ``Http404`` or ``PermissionDenied``."""
    session = get_object_or_404(LiveSessionPage, pk=session_id)
    if not can_manage_session(user=user, session=session):
        raise PermissionDenied
    return session


def sessions_for_staff(*, user) -> QuerySet[LiveSessionPage]:
    """Sessions ``user`` may manage that end from 30 days ago on, with their counts: one query."""
    sessions = LiveSessionPage.objects.filter(ends_at__gte=timezone.now() - RECENT)
    if not user.is_superuser:
        editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
        sessions = sessions.filter(pk__in=editable.values("pk"))
    return sessions.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status=Status.REGISTERED)),
        seat_requests=Count("registrations", filter=Q(registrations__status=Status.REQUESTED)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    ).order_by("starts_at", "pk")


def session_roster(*, session: LiveSessionPage) -> list[SessionRegistration]:
    """Everyone who registered, seats first, then requests, waiting list, declined, cancelled."""
    rank = Case(
        *[When(status=status, then=Value(n)) for n, status in enumerate(ROSTER_ORDER)],
        default=Value(len(ROSTER_ORDER)),
        output_field=IntegerField(),
    )
    return list(
        session.registrations.select_related("member")
        .annotate(rank=rank)
        .order_by("rank", "created_at", "pk")
    )


def member_name(member) -> str:
    return member.get_full_name() or member.display_name or member.email


class SessionIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Upcoming sessions first (soonest first), then those that ended in the last 30 days."""

    page_title = "Sessions"
    header_icon = "date"
    template_name = "courses/staff/sessions/index.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = list(sessions_for_staff(user=self.request.user))
        now = timezone.now()
        context["upcoming"] = [s for s in sessions if s.ends_at > now]
        context["recent"] = [s for s in reversed(sessions) if s.ends_at <= now]
        return context


class SessionRosterView(SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """One session's registrations with their actions; ``?export=csv`` or ``xlsx`` downloads it."""

    header_icon = "group"
    template_name = "courses/staff/sessions/roster.html"
    list_export = ["name", "email", "status", "registered_at", "attended", "decided_at", "reason"]
    export_headings = {
        "name": "Name",
        "email": "Email",
        "status": "Status",
        "registered_at": "Registered at",
        "attended": "Attended",
        "decided_at": "Request decided at",
        "reason": "Decline reason",
    }
    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        str: {SpreadsheetExportMixin.FORMAT_CSV: csv_cell},
    }

    def dispatch(self, request, session_id: int, *args, **kwargs):
        self.session = access_session(user=request.user, session_id=session_id)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.registrations = session_roster(session=self.session)
        if self.is_export:
            return self.as_spreadsheet(self.registrations, request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return f"Roster: {self.session.title}"

    def get_filename(self):
        return f"roster-{self.session.slug}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("courses_sessions:index"), "label": "Sessions"},
            {"url": "", "label": self.session.title},
        ]

    @property
    def header_buttons(self):
        edit = reverse("wagtailadmin_pages:edit", args=[self.session.pk])
        return [HeaderButton("Edit session", url=edit, icon_name="edit")]

    def to_row_dict(self, item):
        attended = {True: "yes", False: "no", None: ""}[item.attended]
        return {
            "name": member_name(item.member),
            "email": item.member.email,
            "status": item.get_status_display(),
            "registered_at": item.created_at,
            "attended": attended,
            "decided_at": item.decided_at or "",
            "reason": item.decline_reason,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [(r, member_name(r.member)) for r in self.registrations]
        taken = sum(r.status == Status.REGISTERED for r in self.registrations)
        context.update(
            session=self.session,
            rows=rows,
            seats_taken=taken,
            can_mark_attendance=self.session.has_started,
            csv_url=self.csv_export_url,
        )
        return context


def _registration(request: HttpRequest, session_id: int, registration_id: int):
    session = access_session(user=request.user, session_id=session_id)
    registration = get_object_or_404(
        SessionRegistration.objects.select_related("member"), pk=registration_id, session=session
    )
    return session, registration


def _roster(session_id: int) -> HttpResponse:
    return redirect("courses_sessions:roster", session_id=session_id)


@require_POST
def confirm(request: HttpRequest, session_id: int, registration_id: int) -> HttpResponse:
    """Confirm a seat request; a full session or a non-request is said, not raised."""
    session, registration = _registration(request, session_id, registration_id)
    member = registration.member
    try:
        session_confirm(member=member, session=session, decided_by=request.user)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Seat confirmed for {member_name(member)}; they are emailed.")
    return _roster(session_id)


@require_POST
def decline(request: HttpRequest, session_id: int, registration_id: int) -> HttpResponse:
    """Decline a seat request with the optional reason typed beside the button."""
    session, registration = _registration(request, session_id, registration_id)
    member = registration.member
    reason = request.POST.get("reason", "")
    try:
        session_decline(member=member, session=session, reason=reason, decided_by=request.user)
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Request of {member_name(member)} declined; they are emailed.")
    return _roster(session_id)


@require_POST
def attendance(request: HttpRequest, session_id: int, registration_id: int) -> HttpResponse:
    """Mark a seat holder attended, no-show, or clear it (from the start on)."""
    session, registration = _registration(request, session_id, registration_id)
    member = registration.member
    choice = request.POST.get("attended", "")
    if choice not in ATTENDANCE_CHOICES:
        messages.error(request, BAD_ATTENDANCE)
        return _roster(session_id)
    try:
        attendance_mark(session=session, member=member, attended=ATTENDANCE_CHOICES[choice])
    except CourseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Attendance of {member_name(member)}: {choice}.")
    return _roster(session_id)


_registration_path = "<int:session_id>/registrations/<int:registration_id>"
urlpatterns = [
    path("", SessionIndexView.as_view(), name="index"),
    path("<int:session_id>/", SessionRosterView.as_view(), name="roster"),
    path(f"{_registration_path}/confirm/", confirm, name="confirm"),
    path(f"{_registration_path}/decline/", decline, name="decline"),
    path(f"{_registration_path}/attendance/", attendance, name="attendance"),
]


@hooks.register("register_admin_urls")
def register_session_urls():
    return [path("sessions/", include((urlpatterns, "courses_sessions")))]


class SessionsMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_permission(request.user, "change")


@hooks.register("register_admin_menu_item")
def register_sessions_menu_item():
    return SessionsMenuItem(
        "Sessions", reverse("courses_sessions:index"), name="sessions", icon_name="date", order=250
    )


class RosterButton(PageMenuItem):
    """ "Roster" beside a live session in the page explorer, for those who can edit it."""

    label = "Roster"
    icon_name = "group"
    url_name = "courses_sessions:roster"

    def is_shown(self, user):
        return self.page.specific_class is LiveSessionPage and can_manage_session(
            user=user, session=self.page
        )


@hooks.register("register_page_listing_more_buttons")
def roster_listing_button(page, user, next_url=None):
    yield RosterButton(page=page, priority=15)


@hooks.register("register_page_header_buttons")
def roster_header_button(page, user, view_name, next_url=None):
    yield RosterButton(page=page, priority=25)
