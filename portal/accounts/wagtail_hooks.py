"""Members in the Wagtail admin: the "Members" menu item and screens (staff-only notes, a
member's interests and referrals; ``portal.accounts.staff_views``), and the permission that
opens them, which staff grant to a group in Settings › Groups."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.accounts.note_services import can_use_staff_notes
from portal.accounts.staff_views import urlpatterns


@hooks.register("register_admin_urls")
def register_member_urls():
    return [path("members/", include((urlpatterns, "member_notes")))]


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return can_use_staff_notes(user=request.user)


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem(
        "Members", reverse("member_notes:index"), icon_name="group", name="members", order=270
    )


@hooks.register("register_permissions")
def register_staff_notes_permission():
    """Lets staff give "Can read and write staff notes on members" to a group."""
    return Permission.objects.filter(
        content_type__app_label="accounts", codename="view_staff_notes"
    )
