"""Imports of personnel and schedules: upload, preview, commit, progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import ImportJob
from training.services import import_jobs
from training.services.import_files import BACKGROUND_ROWS, MAX_BYTES, MAX_ROWS

from .. import import_help
from ..access import hr_scope
from ..import_forms import UploadForm

LIMITS = {"max_mb": MAX_BYTES // (1024 * 1024), "max_rows": MAX_ROWS, "background": BACKGROUND_ROWS}


@login_required
def import_list(request):
    scope = hr_scope(request)
    form = UploadForm(request.POST or None, request.FILES or None, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.start_import(
                district=form.cleaned_data["district"],
                kind=form.cleaned_data["kind"],
                name=upload.name,
                data=upload.read(),
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("training:hr-import", pk=job.pk)
    jobs = scope.filter(ImportJob.objects.select_related("district"))[:20]
    context = {
        "form": form,
        "jobs": jobs,
        "limits": LIMITS,
        "allowed": import_help.allowed_values(scope.districts()),
    }
    return render(request, "training/hr/import_list.html", context)


@login_required
def import_template(request, kind, fmt):
    """Download an empty import file (the header row) for ``kind``, as CSV or XLSX."""
    hr_scope(request)
    if kind not in import_help.KINDS or fmt not in import_help.FORMATS:
        raise Http404
    data, content_type = import_help.template_file(kind, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="contoh-impor-{kind}.{fmt}"'
    return response


@login_required
def import_detail(request, pk):
    scope = hr_scope(request)
    job = scope.get_or_404(ImportJob.objects.select_related("district"), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "processed": job.processed_rows,
                "total": job.total_rows,
            }
        )
    rows = job.preview.get("rows", [])
    context = {
        "job": job,
        "rows": rows,
        "counts": job.preview.get("counts", {}),
        "running": job.status in {ImportJob.Status.PREVIEWING, ImportJob.Status.COMMITTING},
        "percent": round(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
    }
    return render(request, "training/hr/import_detail.html", context)


@login_required
@require_POST
def import_commit(request, pk):
    scope = hr_scope(request)
    job = scope.get_or_404(ImportJob, pk=pk)
    if not import_jobs.request_commit(job=job, actor=request.user):
        messages.error(request, _("This import is not ready to commit, or was committed already."))
    return redirect("training:hr-import", pk=job.pk)
