"""Staff screens for ideas in the Wagtail admin (registered by importing this module).

- Snippets › Product areas (also under Community): the parts of the product that ideas and
  complaints are filed under.
- Community › Ideas to answer: visible items no staff member has answered yet (no staff
  comment, status change or merge), the longest waiting first, each linked to its public page
  where staff answer; and the median times to a first response and to resolution per product
  area over the last eight weeks.

Only staff who manage ideas (``community.idea_permissions.can_manage_ideas``: superusers and
holders of ``community.manage_ideas``) see the menu item and open the list; others get a 403
page naming the permission.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.idea_permissions import can_manage_ideas
from community.idea_selectors import idea_times_by_area, ideas_to_answer
from community.models import ProductArea

#: The response-time table of the list covers this many weeks of submissions.
TIMES_WEEKS = 8


class ProductAreaViewSet(SnippetViewSet):
    model = ProductArea
    icon = "folder-open-inverse"
    menu_label = "Product areas"
    add_to_admin_menu = False
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    ordering = ["position", "name"]
    copy_view_enabled = False


product_areas = ProductAreaViewSet()
register_snippet(product_areas)


class IdeasForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """A 403 page inside the admin, naming the permission the user lacks."""

    page_title = "Ideas to answer"
    header_icon = "warning"
    template_name = "community/ideas/admin/forbidden.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response

    post = get

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class IdeasToAnswerView(WagtailAdminTemplateMixin, TemplateView):
    """Items without a staff response, oldest first (``?p=`` pages), and the times per area."""

    page_title = "Ideas to answer"
    header_icon = "help"
    template_name = "community/ideas/admin/to_answer.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_ideas(member=request.user):
            return IdeasForbiddenView.as_view()(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        areas = idea_times_by_area(since=now - timedelta(weeks=TIMES_WEEKS))
        context.update(
            page=ideas_to_answer(page=self.request.GET.get("p", 1)),
            now=now,
            times_areas=areas,
            times_weeks=TIMES_WEEKS,
            areas_url=reverse(product_areas.get_url_name("list")),
        )
        return context


@hooks.register("register_admin_urls")
def register_ideas_urls():
    return [
        path("community/ideas/", IdeasToAnswerView.as_view(), name="community_ideas_to_answer"),
    ]


class IdeaManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_ideas(member=request.user)


@hooks.register("register_community_menu_item")
def register_ideas_menu_item():
    return IdeaManagerMenuItem(
        "Ideas to answer",
        reverse("community_ideas_to_answer"),
        icon_name="help",
        name="ideas-to-answer",
        order=300,
    )


@hooks.register("register_community_menu_item")
def register_product_areas_menu_item():
    return IdeaManagerMenuItem(
        "Product areas",
        reverse(product_areas.get_url_name("list")),
        icon_name="folder-open-inverse",
        name="product-areas",
        order=310,
    )
