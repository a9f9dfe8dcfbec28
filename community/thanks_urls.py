"""URLs of the community's thanks pages, under /community/ in the ``community`` namespace
(spread into ``community.urls``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
