from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ekspor/<slug:key>.<slug:fmt>", views.export, name="dashboard-export"),
    path("pegawai/<int:pk>/", views.person, name="dashboard-person"),
]
