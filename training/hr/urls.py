"""URLs of the HR pages (included under ``kepegawaian/``)."""

from django.urls import path

from .views import programs, sessions

urlpatterns = [
    path("program/", programs.program_list, name="hr-programs"),
    path("program/baru/", programs.program_create, name="hr-program-create"),
    path("program/<int:pk>/", programs.program_edit, name="hr-program-edit"),
    path("program/<int:pk>/hapus/", programs.program_retire, name="hr-program-retire"),
    path("sesi/", sessions.session_list, name="hr-sessions"),
    path("sesi/kalender/", sessions.session_calendar, name="hr-calendar"),
    path("sesi/baru/", sessions.session_create, name="hr-session-create"),
    path("sesi/<int:pk>/", sessions.session_detail, name="hr-session"),
    path("sesi/<int:pk>/ubah/", sessions.session_edit, name="hr-session-edit"),
    path("sesi/<int:pk>/terbitkan/", sessions.session_publish, name="hr-session-publish"),
    path("sesi/<int:pk>/batalkan/", sessions.session_cancel, name="hr-session-cancel"),
]
