"""Self-service URLs (included from ``training/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("saya/sesi/<int:pk>/", views.session_detail, name="session"),
]
