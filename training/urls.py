"""Training URLs; each feature area adds its own ``path()`` block here."""

from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("kepegawaian/", include("training.hr.urls")),
    path("dasbor/", include("training.dashboards.urls")),
    path("", include("training.selfservice.urls")),
    path("bentrok/", include("training.notifications.urls")),
]
