"""Conflict and notification URLs (included from ``training/urls.py`` under ``bentrok/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.conflicts, name="conflicts"),
    path("tim/", views.team, name="team_conflicts"),
    path("<int:pk>/pindah/", views.switch, name="conflict_switch"),
    path("<int:pk>/batalkan/", views.cancel, name="conflict_cancel"),
    path("<int:pk>/selesai/<str:fingerprint>/", views.resolve, name="conflict_resolve"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("notifikasi/<int:pk>/", views.open_notification, name="notification_open"),
    path("notifikasi/tandai-dibaca/", views.read_all, name="notifications_read_all"),
]
