"""The API's URLs: ``/api/v1/`` (versioned), the schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("work-units", views.WorkUnitViewSet, basename="work-unit")
router.register("people", views.CivilServantViewSet, basename="person")
router.register("schedule-entries", views.ScheduleEntryViewSet, basename="schedule-entry")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("enrolments", views.EnrollmentViewSet, basename="enrolment")
router.register("completion-records", views.CompletionRecordViewSet, basename="completion")

# Swagger UI (from drf-spectacular-sidecar, served by the portal) injects its
# own <style> elements. On this page alone inline style *elements* are allowed;
# scripts stay 'self' only, as everywhere.
docs = csp_update({"style-src-elem": ["'self'", "'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
]
