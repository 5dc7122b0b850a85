from django.contrib import admin
from django.urls import include, path

from . import views

# The language comes from the session/cookie (LocaleMiddleware), not a URL
# prefix, so that links printed on certificates and in emails never change.
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("akun/", include("districts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("training.api.urls")),
    path("", include("training.urls")),
]
