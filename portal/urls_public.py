"""URLs of the public schema (the operator's host): landing page and Django admin for tenants.

No Wagtail here: the public schema has no Wagtail tables (shared/FIELD-NOTES.md), so this
URLconf has its own 404 page that does not use the portals' Wagtail-branded shell.
"""

from http import HTTPStatus

from django.contrib import admin
from django.shortcuts import render
from django.urls import path

from portal import health, views


def public_not_found(request, exception=None):
    context = {"request_path": request.path}
    return render(request, "portal/public_not_found.html", context, status=HTTPStatus.NOT_FOUND)


handler404 = public_not_found

urlpatterns = [
    path("", views.landing, name="landing"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]
