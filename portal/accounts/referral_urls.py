"""``/r/<code>/``: where referral links lead (included from ``portal.urls``)."""

from django.urls import path

from portal.accounts import referral_views

urlpatterns = [
    path("<str:code>/", referral_views.referral_visit, name="referral_visit"),
]
