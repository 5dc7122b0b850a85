"""Evaluation pages (Kirkpatrick L1–L3): the panel per program and instructor, and reports.

HR see their districts' sessions, supervisors the answers of their own people,
administrators everything. Names are never shown next to an answer, and a
group with fewer than three answers shows only its counts.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from training.models import Enrollment, Instructor, TrainingSession
from training.services import evaluation
from training.services.dashboards.access import Viewer, viewer_for

from . import charts, exports

TABLES = ("programs", "instructors")


def _viewer(request) -> Viewer:
    return viewer_for(request.user, request.GET.get("as") or None)


def _enrollments(viewer: Viewer) -> QuerySet:
    """Return the enrolments whose evaluation this viewer may read."""
    if viewer.is_supervisor:
        return Enrollment.objects.filter(civil_servant_id__in=viewer.subtree_ids)
    return viewer.scope.filter(Enrollment.objects.all())


@login_required
@require_GET
def panel(request):
    viewer = _viewer(request)
    enrollments = _enrollments(viewer)
    tables = {key: evaluation.evaluation_table(enrollments, by=key) for key in TABLES}
    role = f"?as={viewer.role}"
    for key, table in tables.items():
        table.extra["query"] = request.GET
        for fmt in ("csv", "xlsx"):
            table.extra[fmt] = reverse("training:evaluation-export", args=[key, fmt]) + role
    chart = charts.bar_chart(
        _("L1 mean per program (×10)"),
        [
            (row["name"], round(row["l1_mean"] * 10))
            for row in tables["programs"].rows
            if row["l1_mean"] is not None
        ],
    )
    return render(
        request,
        "training/dashboards/evaluation.html",
        {"viewer": viewer, "tables": tables, "chart": chart},
    )


@login_required
@require_GET
def export(request, key: str, fmt: str):
    if key not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    viewer = _viewer(request)
    table = evaluation.evaluation_table(_enrollments(viewer), by=key)
    year = timezone.now().year
    if fmt == "csv":
        return exports.csv_response(table, year=year)
    return exports.xlsx_response(table, year=year, about=[(_("Role"), viewer.role_label)])


@login_required
@require_GET
def session_report(request, pk: int):
    viewer = _viewer(request)
    enrollments = _enrollments(viewer)
    session = get_object_or_404(
        TrainingSession.objects.select_related("program", "instructor", "district"),
        pk=pk,
        pk__in=enrollments.values("session_id"),
    )
    return _report(request, viewer, enrollments.filter(session=session), subject=session)


@login_required
@require_GET
def instructor_report(request, pk: int):
    viewer = _viewer(request)
    enrollments = _enrollments(viewer)
    instructor = get_object_or_404(
        Instructor, pk=pk, pk__in=enrollments.values("session__instructor_id")
    )
    return _report(
        request, viewer, enrollments.filter(session__instructor=instructor), subject=instructor
    )


def _report(request, viewer, enrollments, *, subject):
    sessions = (
        TrainingSession.objects.filter(pk__in=enrollments.values("session_id"))
        .select_related("program", "district")
        .order_by("-start")
    )
    context = {
        "viewer": viewer,
        "subject": subject,
        "is_session": isinstance(subject, TrainingSession),
        "reaction": evaluation.reaction(enrollments),
        "gain": evaluation.learning_gain(enrollments),
        "behaviour": evaluation.behaviour_rates(enrollments),
        "sessions": [
            {"session": item, "reaction": evaluation.reaction(enrollments.filter(session=item))}
            for item in sessions[:30]
        ],
        "min_responses": evaluation.MIN_RESPONSES,
    }
    return render(request, "training/dashboards/evaluation_report.html", context)
