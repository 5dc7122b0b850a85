"""Project-level pages: the role-aware home page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from districts.models import CivilServant
from districts.scoping import is_supervisor, scope_for
from training.services import selectors

from .celery import app as celery_app


@login_required
def home(request):
    scope = scope_for(request.user)
    now = timezone.now()
    context = {"scope": scope}
    if scope.person_id:
        person = CivilServant.objects.select_related("district", "work_unit", "supervisor").get(
            pk=scope.person_id
        )
        context["person"] = person
        # The year of the place where the person works (1 January starts at 00.00 there).
        local_year = timezone.localtime(now, person.district.tzinfo).year
        context["progress"] = selectors.jp_progress(person, local_year)
        context["upcoming"] = selectors.upcoming_enrollments(person, now=now)
        if is_supervisor(person.pk):
            context["team"] = selectors.subtree_summary(person)
    if scope.is_hr or scope.is_admin:
        context["districts"] = selectors.district_overview(scope.as_hr(), now=now)
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """Answer with the state of the database and the broker, for a load balancer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
