"""Self-service URLs (included from ``training/urls.py``)."""

from django.urls import path

from . import checkin_views, views

urlpatterns = [
    path("saya/katalog/", views.catalogue, name="catalogue"),
    path("saya/sesi/<int:pk>/", views.session_detail, name="session"),
    path("saya/sesi/<int:pk>/daftar/", views.enrol, name="enrol"),
    path("saya/pendaftaran/<int:pk>/batal/", views.cancel, name="cancel_enrollment"),
    path("saya/pendaftaran/<int:pk>/umpan-balik/", views.feedback, name="feedback"),
    path("saya/persetujuan/", views.approvals, name="approvals"),
    path("saya/persetujuan/<int:pk>/", views.decide, name="decide_request"),
    path("saya/jadwal/", views.schedule, name="schedule"),
    path("saya/jadwal/tambah/", views.schedule_entry_form, name="schedule_add"),
    path("saya/jadwal/<int:pk>/ubah/", views.schedule_entry_form, name="schedule_edit"),
    path("saya/jadwal/<int:pk>/hapus/", views.schedule_entry_delete, name="schedule_delete"),
    path("saya/jadwal/kalender/reset/", views.reset_calendar_token, name="calendar_reset"),
    path("saya/pelatihan/", views.my_training, name="my_training"),
    path("saya/hadir/<int:meeting_pk>/", checkin_views.check_in, name="checkin"),
    path("saya/hadir/kode/", checkin_views.check_in_with_code, name="checkin_code"),
    path("saya/sertifikat/<int:pk>/", views.certificate, name="certificate"),
    path("verifikasi/<uuid:code>/", views.verify_certificate, name="verify_certificate"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
