"""URLs of the community's thanks pages, under /community/ in the ``community`` namespace
(spread into ``community.urls``)."""

from django.urls import URLPattern, path

from community import thanks_views

urlpatterns: list[URLPattern] = [
    path("thanks/", thanks_views.wall, name="thanks"),
    path("thanks/new/", thanks_views.thanks_new, name="thanks_new"),
    path("thanks/compliment/", thanks_views.compliment_new, name="thanks_compliment"),
    path("thanks/<int:pk>/hide/", thanks_views.thanks_hide_view, name="thanks_hide"),
    path("thanks/<int:pk>/restore/", thanks_views.thanks_restore_view, name="thanks_restore"),
]
