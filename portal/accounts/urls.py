from django.urls import path

from portal.accounts import interest_views, referral_views, views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("interests/", interest_views.interests_edit, name="interests_edit"),
    path("invite/", referral_views.invite, name="referral_invite"),
    path("export/", views.member_export, name="member_export"),
    path("delete/", views.member_delete, name="member_delete"),
]
