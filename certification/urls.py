"""URLs of the certification app, under /certification/: exams, attempts, awards, transcripts,
the MVP directory and nominations."""

from django.urls import path

from certification import member_views, mvp_views, views

app_name = "certification"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", member_views.mine, name="mine"),
    path("mine/transcript/", member_views.transcript_settings, name="transcript_settings"),
    path("transcript/<slug:slug>/", member_views.transcript, name="transcript"),
    path("mvp/", mvp_views.directory, name="mvp_directory"),
    path("mvp/nominate/", mvp_views.nominate, name="mvp_nominate"),
    path("exams/<slug:slug>/", views.exam_page, name="exam"),
    path("exams/<slug:slug>/start/", views.start, name="exam_start"),
    path("exams/<slug:slug>/voucher/", member_views.exam_voucher, name="exam_voucher"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", views.answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="attempt_result"),
]
