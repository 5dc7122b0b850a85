"""Self-service URLs (included from ``training/urls.py``)."""

from django.urls import path

from . import checkin_views, evaluation_views, learning_views, planning, views

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
    path("saya/kompetensi/", planning.my_competencies, name="my_competencies"),
    path("saya/undangan/<int:pk>/", planning.invitation, name="invitation"),
    path("saya/rencana/", planning.my_plan, name="my_plan"),
    path("saya/rencana-tim/", planning.team_plans, name="team_plans"),
    path("saya/rencana-tim/<int:pk>/", planning.decide_plan, name="decide_plan"),
    path("saya/rencana-tim/<int:pk>/calonkan/", planning.nominate, name="nominate"),
    path("saya/pelatihan/", views.my_training, name="my_training"),
    path("saya/belajar-mandiri/", learning_views.my_learning, name="my_learning"),
    path("saya/belajar-mandiri/klaim/", learning_views.claim, name="learning_claim"),
    path("belajar-mandiri/<int:pk>/bukti/", learning_views.evidence, name="learning_evidence"),
    path("belajar-mandiri/verifikasi/", learning_views.verify_list, name="learning_verify_list"),
    path("belajar-mandiri/<int:pk>/verifikasi/", learning_views.verify, name="learning_verify"),
    path(
        "saya/evaluasi-perilaku/<int:pk>/",
        evaluation_views.behaviour_answer,
        name="behaviour_answer",
    ),
    path("saya/hadir/<int:meeting_pk>/", checkin_views.check_in, name="checkin"),
    path("saya/hadir/kode/", checkin_views.check_in_with_code, name="checkin_code"),
    path("saya/sertifikat/<int:pk>/", views.certificate, name="certificate"),
    path("verifikasi/<uuid:code>/", views.verify_certificate, name="verify_certificate"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
