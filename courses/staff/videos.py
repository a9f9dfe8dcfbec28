"""Video checks in the Wagtail admin: a warning on saving a lesson whose videos lack captions, and
the report Reports › Videos without captions listing every such lesson with its edit link.

Captions are not required to save a lesson (staff may add them later), so these make the gap
visible instead of blocking the editor.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Left, Length
from django.urls import path, reverse
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import LessonPage

NO_CAPTIONS = (
    "The video “{title}” has no captions. Learners who are deaf, hard of hearing or not fluent "
    "in its language need them: add a WebVTT track to it."
)
REPORT_TITLE = "Videos without captions"
# A lesson's body (jsonb) holds a video block whose list of caption tracks is empty or missing.
UNCAPTIONED = (
    '$[*] ? (@.type == "video" && (!exists(@.value.captions) || @.value.captions.size() == 0))'
)


def uncaptioned_video_titles(body) -> list[str]:
    """Titles of the video blocks in a lesson's body that have no caption track."""
    return [
        block.value.get("title") or "Untitled video"
        for block in body
        if block.block_type == "video" and not block.value.get("captions")
    ]


def lessons_without_captions() -> QuerySet[LessonPage]:
    """Lessons with at least one video without captions, found in the database (one query)."""
    has_gap = Func(
        F("body"),
        Value(UNCAPTIONED),
        function="jsonb_path_exists",
        template="%(function)s(%(expressions)s::jsonpath)",
        output_field=BooleanField(),
    )
    return LessonPage.objects.filter(has_gap)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_videos_without_captions(request, page) -> None:
    """After a lesson is saved in the admin, name each of its videos that has no captions."""
    if isinstance(page, LessonPage):
        for title in uncaptioned_video_titles(page.body):
            messages.warning(request, NO_CAPTIONS.format(title=title))


def _may_edit_pages(user) -> bool:
    return PagePermissionPolicy(Page).user_has_any_permission(user, ["add", "change", "publish"])


def lessons_without_captions_for(*, user) -> list[LessonPage]:
    """The lessons ``user`` may edit with a video lacking captions, by title: one query.

    Each has ``course_title`` and ``uncaptioned`` (the titles of those videos).
    """
    editable = PagePermissionPolicy(Page).instances_user_has_permission_for(user, "change")
    course = Page.objects.filter(
        path=Left(OuterRef("path"), Length(OuterRef("path")) - Page.steplen)
    )
    lessons = (
        lessons_without_captions()
        .filter(pk__in=editable.values("pk"))
        .only("id", "title", "live", "path", "depth", "body")
        .annotate(course_title=Subquery(course.values("title")[:1]))
        .order_by("title", "pk")
    )
    rows = list(lessons)
    for lesson in rows:
        lesson.uncaptioned = [
            item["value"].get("title") or "Untitled video"
            for item in lesson.body.raw_data
            if item["type"] == "video" and not item["value"].get("captions")
        ]
    return rows


class VideosWithoutCaptionsView(WagtailAdminTemplateMixin, TemplateView):
    """Reports › Videos without captions: each lesson with the videos to caption, and its link."""

    page_title = REPORT_TITLE
    header_icon = "media"
    template_name = "courses/staff/videos/without_captions.html"

    def dispatch(self, request, *args, **kwargs):
        if not _may_edit_pages(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lessons"] = lessons_without_captions_for(user=self.request.user)
        return context


class VideosWithoutCaptionsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return _may_edit_pages(request.user)


@hooks.register("register_admin_urls")
def register_videos_without_captions_urls():
    return [
        path(
            "reports/videos-without-captions/",
            VideosWithoutCaptionsView.as_view(),
            name="courses_videos_without_captions",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_videos_without_captions_menu_item():
    return VideosWithoutCaptionsMenuItem(
        REPORT_TITLE,
        reverse("courses_videos_without_captions"),
        name="videos-without-captions",
        icon_name="media",
        order=750,
    )
