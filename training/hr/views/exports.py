"""Downloads of a session's roster."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.text import slugify

from .. import exports
from ..access import hr_scope
from .sessions import session_or_404

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.roster_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.roster_xlsx,
    ),
}


@login_required
def roster_export(request, pk, fmt):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    if fmt not in FORMATS:
        raise Http404
    content_type, build = FORMATS[fmt]
    name = f"peserta-{slugify(session.program.code)}-{session.start:%Y%m%d}.{fmt}"
    response = HttpResponse(build(session), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
