from django.urls import path

from . import evaluation_views, gaps, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ekspor/<slug:key>.<slug:fmt>", views.export, name="dashboard-export"),
    path("pegawai/<int:pk>/", views.person, name="dashboard-person"),
    path("kompetensi/", gaps.gap_matrix, name="gaps"),
    path("kompetensi/unduh.<slug:fmt>", gaps.gap_export, name="gaps-export"),
    path("kompetensi/<int:competency_pk>/", gaps.gap_cell, name="gap-cell"),
    path("evaluasi/", evaluation_views.panel, name="evaluation"),
    path(
        "evaluasi/ekspor/<slug:key>.<slug:fmt>",
        evaluation_views.export,
        name="evaluation-export",
    ),
    path("evaluasi/sesi/<int:pk>/", evaluation_views.session_report, name="evaluation-session"),
    path(
        "evaluasi/narasumber/<int:pk>/",
        evaluation_views.instructor_report,
        name="evaluation-instructor",
    ),
]
