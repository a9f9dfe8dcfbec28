"""URLs of the public schema (the operator's host): landing page and Django admin for tenants.

No Wagtail here: the public schema has no Wagtail tables (shared/FIELD-NOTES.md).
"""

from django.contrib import admin
from django.urls import path

from portal import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("admin/", admin.site.urls),
]
