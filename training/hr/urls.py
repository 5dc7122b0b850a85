"""URLs of the HR pages (included under ``kepegawaian/``)."""

from django.urls import path

from .views import attendance, exports, imports, people, places, programs, roster, sessions

urlpatterns = [
    path("program/", programs.program_list, name="hr-programs"),
    path("program/baru/", programs.program_create, name="hr-program-create"),
    path("program/<int:pk>/", programs.program_edit, name="hr-program-edit"),
    path("program/<int:pk>/hapus/", programs.program_retire, name="hr-program-retire"),
    path("tempat/", places.venue_list, name="hr-venues"),
    path("tempat/baru/", places.venue_create, name="hr-venue-create"),
    path("tempat/<int:pk>/", places.venue_edit, name="hr-venue-edit"),
    path("tempat/<int:pk>/hapus/", places.venue_retire, name="hr-venue-retire"),
    path("narasumber/", places.instructor_list, name="hr-instructors"),
    path("narasumber/baru/", places.instructor_create, name="hr-instructor-create"),
    path("narasumber/<int:pk>/", places.instructor_edit, name="hr-instructor-edit"),
    path("narasumber/<int:pk>/hapus/", places.instructor_retire, name="hr-instructor-retire"),
    path("sesi/", sessions.session_list, name="hr-sessions"),
    path("sesi/kalender/", sessions.session_calendar, name="hr-calendar"),
    path("sesi/baru/", sessions.session_create, name="hr-session-create"),
    path("sesi/<int:pk>/", sessions.session_detail, name="hr-session"),
    path("sesi/<int:pk>/ubah/", sessions.session_edit, name="hr-session-edit"),
    path("sesi/<int:pk>/terbitkan/", sessions.session_publish, name="hr-session-publish"),
    path("sesi/<int:pk>/batalkan/", sessions.session_cancel, name="hr-session-cancel"),
    path("sesi/<int:pk>/peserta/tambah/", roster.roster_add, name="hr-roster-add"),
    path(
        "sesi/<int:pk>/peserta/<int:enrollment_pk>/<slug:action>/",
        roster.enrollment_action,
        name="hr-enrollment-action",
    ),
    path("sesi/<int:pk>/kehadiran/", attendance.attendance, name="hr-attendance"),
    path(
        "sesi/<int:pk>/kehadiran/<int:meeting_pk>/",
        attendance.meeting_attendance,
        name="hr-meeting-attendance",
    ),
    path(
        "sesi/<int:pk>/kehadiran/<int:meeting_pk>/layar/",
        attendance.meeting_screen,
        name="hr-checkin-screen",
    ),
    path(
        "sesi/<int:pk>/kehadiran/<int:meeting_pk>/layar.json",
        attendance.meeting_screen_data,
        name="hr-checkin-data",
    ),
    path("sesi/<int:pk>/kelulusan/", roster.completion, name="hr-completion"),
    path("sesi/<int:pk>/unduh.<slug:fmt>", exports.roster_export, name="hr-roster-export"),
    path("persetujuan/", roster.approvals, name="hr-approvals"),
    path("pegawai/", people.people_list, name="hr-people"),
    path("pegawai/<int:pk>/atur-sandi/", people.person_send_reset, name="hr-person-reset"),
    path("impor/", imports.import_list, name="hr-imports"),
    path("impor/contoh/<slug:kind>.<slug:fmt>", imports.import_template, name="hr-import-template"),
    path("impor/<int:pk>/", imports.import_detail, name="hr-import"),
    path("impor/<int:pk>/simpan/", imports.import_commit, name="hr-import-commit"),
    path("impor/<int:pk>/buang/", imports.import_discard, name="hr-import-discard"),
]
