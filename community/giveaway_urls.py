"""URLs of the community's giveaway pages, under /community/ in the ``community`` namespace
(spread into ``community.urls``)."""

from django.urls import URLPattern, path

from community import giveaway_views

urlpatterns: list[URLPattern] = [
    path("giveaways/", giveaway_views.giveaways, name="giveaways"),
    path("giveaways/<int:pk>/", giveaway_views.giveaway, name="giveaway"),
    path(
        "giveaways/<int:pk>/entries.txt", giveaway_views.giveaway_entries, name="giveaway_entries"
    ),
]
