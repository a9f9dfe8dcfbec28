"""Who sees the service dashboard and gets its weekly summary: superusers, and staff given
"Can see course reports" (``courses.view_course_reports``, Settings › Groups) — the staff who
already read the course reports read how well customers are served. The menu, the views and
the e-mail all ask this module, so they never disagree.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

PERMISSION = "courses.view_course_reports"
ADMIN_PERMISSION = "wagtailadmin.access_admin"


def can_see_dashboard(user) -> bool:
    """Superusers and holders of ``PERMISSION`` (directly or through a group)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(PERMISSION))
    )


def _holders(permission: str) -> Q:
    """Members given ``permission`` directly or through one of their groups: two EXISTS."""
    app_label, codename = permission.split(".")
    wanted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    User = get_user_model()
    direct = User.user_permissions.through.objects.filter(
        **{User.user_permissions.field.m2m_field_name(): OuterRef("pk")}, permission__in=wanted
    )
    grouped = User.groups.through.objects.filter(
        **{User.groups.field.m2m_field_name(): OuterRef("pk")}, group__permissions__in=wanted
    )
    return Q(Exists(direct)) | Q(Exists(grouped))


def summary_recipients() -> QuerySet:
    """Active members with an e-mail address who can open the dashboard: superusers, and staff
    with both ``PERMISSION`` and access to the Wagtail admin (the e-mail links there). One query.
    """
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | (_holders(PERMISSION) & _holders(ADMIN_PERMISSION)))
        .order_by("pk")
    )
