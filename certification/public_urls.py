"""Public credential addresses at the portal's root (namespace ``credentials``): the verify
page and certificate, and the Open Badges 2.0 hosted documents. Addresses here are part of
issued badges: never change them.
"""

from django.urls import path

from certification import openbadges_views, verify_views

app_name = "credentials"
urlpatterns = [
    path("verify/<uuid:public_id>/", verify_views.verify, name="verify"),
    path(
        "verify/<uuid:public_id>/certificate.pdf",
        verify_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("verify/<uuid:public_id>/badge.png", openbadges_views.baked_badge, name="badge_png"),
    path("badges/issuer.json", openbadges_views.issuer, name="ob_issuer"),
    path("badges/revocations.json", openbadges_views.revocations, name="ob_revocations"),
    path(
        "badges/classes/<str:kind>/<slug:slug>.json",
        openbadges_views.badge_class,
        name="ob_badge_class",
    ),
    path(
        "badges/classes/<str:kind>/<slug:slug>.png",
        openbadges_views.badge_image,
        name="ob_badge_image",
    ),
    path(
        "badges/assertions/<uuid:public_id>.json",
        openbadges_views.assertion,
        name="ob_assertion",
    ),
]
