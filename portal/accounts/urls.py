from django.urls import path

from portal.accounts import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("export/", views.member_export, name="member_export"),
    path("delete/", views.member_delete, name="member_delete"),
]
