"""The community in the Wagtail admin: its menu and staff screens, and the tags (a snippet:
members choose among the tags staff make here)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.models import Tag
from community.staff import moderation  # noqa: F401 - registers the moderation screens


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = "Community tags"
    add_to_admin_menu = False
    list_display = ["name", "slug", "course"]
    search_fields = ["name"]
    ordering = ["name"]
    copy_view_enabled = False


register_snippet(TagViewSet)
from community.staff import (  # noqa: E402, F401 - each registers its admin screens
    ideas,
    recognition,
    report,
    testimonials,
)
