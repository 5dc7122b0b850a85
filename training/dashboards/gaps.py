"""Competency gap pages for HR (their districts) and supervisors (their subtree)."""

import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.localtime import format_datetime
from training.models import Competency, TrainingSession
from training.services import gaps
from training.services.dashboards import numbers
from training.services.dashboards.access import HR, viewer_for
from training.services.dashboards.filters import viewer_zone

from . import exports
from .gap_forms import GapFilterForm


def _context(request):
    viewer = viewer_for(request.user, request.GET.get("as") or None)
    form = GapFilterForm(request.GET, viewer=viewer)
    zone = viewer_zone(viewer.districts().values_list("time_zone", flat=True))
    now = timezone.now()
    on = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(zone))
    return viewer, form, now, on, zone


def _query(viewer, filters) -> str:
    query = QueryDict(mutable=True)
    query.update({"as": viewer.role, **filters.as_query()})
    return query.urlencode()


def _rows_html(rows: list[dict]) -> list[dict]:
    """Give each row its cells as ready HTML: a Django template costs ~0.2 ms per cell
    node by node, and a district has 40 units x 30 competencies (1,200 cells); the
    administrator's matrix has every district's competencies (120,000, mostly empty)."""
    empty = format_html(
        '<td class="text-end text-nowrap"><span class="text-body-secondary" '
        'aria-label="{}">—</span></td>',
        _("not needed"),
    )
    for row in rows:
        unit = row["unit"].pk
        parts = [
            format_html(
                '<td class="text-end text-nowrap {}"><a href="{}&amp;unit={}" '
                'data-cell="{}-{}">{}</a><div class="small text-body-secondary">{}</div></td>',
                item["tone"],
                item["href"],
                unit,
                unit,
                item["competency"].pk,
                item["text"],
                item["counts"],
            )
            if item["cell"]
            else empty
            for item in row["cells"]
        ]
        # Each part is already escaped by format_html.
        row["cells_html"] = mark_safe("".join(parts))  # noqa: S308
    return rows


def _stored_text(computed_at, zone: str) -> str:
    return _("Figures as of %(time)s; recomputed every 15 minutes and shortly after a change.") % {
        "time": format_datetime(computed_at, zone)
    }


def _live_text(now, zone: str) -> str:
    return _("Figures computed now, %(time)s.") % {"time": format_datetime(now, zone)}


def _overview(lines: list[gaps.DistrictGaps], viewer, now, zone: str) -> list[dict]:
    """Return the overview's lines with their ready texts and the link to each district's matrix."""
    base = reverse("training:gaps")
    return [
        {
            "line": line,
            "share": numbers.percent(line.share),
            "tone": gaps.tone(line.share),
            "top": [{**item, "text": numbers.percent(item["share"])} for item in line.top],
            "href": f"{base}?{_query(viewer, gaps.GapFilters(district_id=line.district.pk))}",
            "freshness": (
                _stored_text(line.computed_at, line.district.time_zone)
                if line.computed_at
                else _live_text(now, zone)
            ),
        }
        for line in lines
    ]


@login_required
@require_GET
def gap_matrix(request):
    viewer, form, now, on, zone = _context(request)
    context = {"viewer": viewer, "form": form, "on": on}
    if form.is_valid():
        filters = form.filters()
        query = _query(viewer, filters)
        context["query"] = query
        districts = gaps.summary_districts(viewer, filters)
        if districts is not None and len(districts) > 1:
            # Many districts: one line each, linking to its matrix (not one table of
            # every district's units by every district's competencies, mostly empty).
            lines = gaps.overview(districts, viewer.people(), on=on, now=now)
            context["overview"] = _overview(lines, viewer, now, zone)
            return render(request, "training/dashboards/gaps.html", context)
        stored = (
            gaps.stored_matrix(districts[0], unit_id=filters.unit_id, now=now)
            if districts
            else None
        )
        if stored:
            matrix, freshness = stored.matrix, _stored_text(stored.computed_at, stored.time_zone)
        else:
            matrix = gaps.matrix(filters.apply(viewer.people()), on=on)
            freshness = _live_text(now, zone)
        links = {
            competency.pk: f"{reverse('training:gap-cell', args=[competency.pk])}?{query}"
            for competency in matrix.competencies
        }
        context.update(
            matrix=matrix,
            rows=_rows_html(matrix.display_rows(links)),
            freshness=freshness,
            many_districts=len({row["unit"].district_id for row in matrix.rows}) > 1,
        )
    status = 200 if form.is_valid() else 400
    return render(request, "training/dashboards/gaps.html", context, status=status)


@login_required
@require_GET
def gap_cell(request, competency_pk: int):
    viewer, form, now, on, _zone = _context(request)
    competency = get_object_or_404(
        Competency.objects.filter(district__in=viewer.districts()), pk=competency_pk
    )
    if not form.is_valid():
        raise Http404
    filters = form.filters()
    people = gaps.lacking_people(filters.apply(viewer.people()), on=on, competency=competency)
    sessions = []
    if viewer.role != "supervisor":
        sessions = (
            TrainingSession.objects.filter(
                district_id=competency.district_id,
                status=TrainingSession.Status.PUBLISHED,
                program__competencies=competency,
                start__gt=now,
            )
            .select_related("program", "district")
            .order_by("start")
        )
    context = {
        "viewer": viewer,
        "form": form,
        "competency": competency,
        "people": people,
        "sessions": sessions,
        "can_invite": viewer.role == HR or viewer.role == "admin",
        "query": _query(viewer, filters),
        "on": on,
    }
    return render(request, "training/dashboards/gap_cell.html", context)


@login_required
@require_GET
def gap_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    viewer, form, now, on, _zone = _context(request)
    if not form.is_valid():
        raise Http404
    table = gaps.matrix_of(gaps.figures(viewer, form.filters(), on=on, now=now)).table()
    if fmt == "csv":
        return exports.csv_response(table, year=on.year)
    about = [
        (str(form.fields[name].label), str(value))
        for name, value in form.cleaned_data.items()
        if value
    ]
    return exports.xlsx_response(table, year=on.year, about=about)
