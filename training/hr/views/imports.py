"""Imports of personnel and schedules: upload, preview, commit or discard, progress."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import ImportJob
from training.services import import_jobs
from training.services.import_files import BACKGROUND_ROWS, MAX_BYTES, MAX_ROWS

from .. import import_help
from ..access import hr_scope
from ..import_forms import UploadForm

LIMITS = {
    "max_mb": MAX_BYTES // (1024 * 1024),
    "max_rows": MAX_ROWS,
    "background": BACKGROUND_ROWS,
    "preview_hours": import_jobs.PREVIEW_TTL // datetime.timedelta(hours=1),
}
# Rows a preview page lists, rejected ones first; the counts cover every row.
SHOWN_ROWS = 500


@login_required
def import_list(request):
    scope = hr_scope(request)
    import_jobs.expire_import_jobs(now=timezone.now())
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
    jobs = scope.filter(ImportJob.objects.select_related("district").defer("preview"))[:20]
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
    import_jobs.expire_import_jobs(now=timezone.now())
    jobs = ImportJob.objects.select_related("district")
    if request.GET.get("format") == "json":
        job = scope.get_or_404(jobs.defer("preview"), pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "processed": job.processed_rows,
                "total": job.total_rows,
            }
        )
    job = scope.get_or_404(jobs, pk=pk)
    rows = job.preview.get("rows", [])
    shown = [row for row in rows if row["action"] == "reject"][:SHOWN_ROWS]
    shown += [row for row in rows if row["action"] != "reject"][: SHOWN_ROWS - len(shown)]
    shown.sort(key=lambda row: row["row"])
    context = {
        "job": job,
        "rows": shown,
        "total_rows": len(rows),
        "counts": job.preview.get("counts", {}),
        "running": job.status in {ImportJob.Status.PREVIEWING, ImportJob.Status.COMMITTING},
        "percent": round(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
        "expires_at": job.updated_at + import_jobs.PREVIEW_TTL,
        "district_zone": job.district.tzinfo,
    }
    return render(request, "training/hr/import_detail.html", context)


@login_required
@require_POST
def import_commit(request, pk):
    scope = hr_scope(request)
    job = scope.get_or_404(ImportJob.objects.defer("preview"), pk=pk)
    if not import_jobs.request_commit(job=job, actor=request.user, now=timezone.now()):
        messages.error(request, _("This import is not ready to commit, or was committed already."))
    return redirect("training:hr-import", pk=job.pk)


@login_required
@require_POST
def import_discard(request, pk):
    scope = hr_scope(request)
    job = scope.get_or_404(ImportJob.objects.defer("preview"), pk=pk)
    if import_jobs.discard(job=job):
        messages.success(request, _("The preview was discarded; nothing was imported."))
        return redirect("training:hr-imports")
    messages.error(request, _("This import can no longer be discarded."))
    return redirect("training:hr-import", pk=job.pk)
