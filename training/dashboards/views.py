"""Dashboard pages: thin views over ``Dashboard`` and the exports."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.localtime import format_datetime, local_year
from districts.models import CivilServant
from training.models import Enrollment
from training.services import evaluation
from training.services.dashboards import numbers, store
from training.services.dashboards.access import ADMIN, Viewer, viewer_for
from training.services.dashboards.dashboard import TABLE_KEYS, Dashboard
from training.services.dashboards.filters import FIRST_YEAR, DashboardFilterForm
from training.services.dashboards.transcript import transcript
from training.services.selectors import jp_progress

from . import charts, exports

EXPORT_FORMATS = ("csv", "xlsx")


def _form(request):
    viewer = viewer_for(request.user, request.GET.get("as") or None)
    # The form takes the year in the zone of the viewer's districts (00.00 WITA in a WITA one).
    return DashboardFilterForm(request.GET, viewer=viewer, now=timezone.now())


def _charts(dashboard: Dashboard, tables: dict) -> dict:
    totals = dashboard.totals
    unit_rows = sorted(tables["units"].rows, key=lambda row: -row["people"])[:12]
    return {
        "attainment": charts.stacked_bar(
            _("JP attainment"),
            [
                (_("Reached target"), totals.reached, "reached"),
                (_("Close (≥ 75 %)"), totals.close, "close"),
                (_("Below 75 %"), totals.behind, "behind"),
                (_("No JP yet"), totals.none, "none"),
            ],
        ),
        "distribution": charts.bar_chart(
            _("JP per person"),
            [(row["bucket"], row["people"]) for row in tables["distribution"].rows],
        ),
        "trend": charts.line_chart(
            _("JP credited by month"),
            [(row["month"], row["jp_credited"]) for row in tables["trend"].rows],
        ),
        "units": charts.percent_bars(
            _("Completion rate (%%) per work unit, the %(count)d largest")
            % {"count": len(unit_rows)},
            [(f"{row['unit']} · {row['district']}", row["completion_rate"]) for row in unit_rows],
        ),
        "districts": charts.percent_bars(
            _("Reached the yearly JP target (%), per district"),
            [(row["district"], row["reached_rate"]) for row in tables["districts"].rows],
        ),
    }


def _evaluation_panel(viewer: Viewer) -> dict:
    """Return the administrator's evaluation panel: the largest programs' L1–L3, a chart."""
    table = evaluation.evaluation_panel(viewer.scope.filter(Enrollment.objects.all()))
    chart = charts.value_bars(
        _("L1 mean per training program (1–5)"),
        [(row["name"], row["l1_mean"]) for row in table.rows],
        peak=5,
        show=numbers.decimal,  # one decimal, as in the table
    )
    url = reverse("training:evaluation") + f"?as={viewer.role}"
    return {"table": table, "chart": chart, "url": url}


def _board(criteria, **kwargs) -> Dashboard:
    """Return the dashboard, from the refreshed summary for the unfiltered current year."""
    snapshot = None
    if criteria.is_unfiltered and criteria.year == criteria.this_year:
        snapshot = store.snapshot(criteria.viewer, criteria.year, criteria.now)
    return Dashboard(criteria, snapshot=snapshot, **kwargs)


def _freshness(board: Dashboard) -> str:
    computed_at = board.computed_at or board.conflicts.computed_at
    if computed_at is None:
        return ""
    what = (
        _("Figures as of %(time)s; refreshed every few minutes.")
        if board.computed_at
        else _("Open conflicts as of %(time)s; refreshed every few minutes.")
    )
    return what % {"time": format_datetime(computed_at, settings.TIME_ZONE)}


@login_required
@require_GET
def dashboard(request):
    form = _form(request)
    context = {"form": form, "viewer": form.viewer}
    if form.is_valid():
        criteria = form.criteria()
        board = _board(criteria)
        tables = board.tables()
        for key, table in tables.items():
            spec = request.GET.get(f"sort_{key}")
            if spec and table.sortable:
                table.sort(spec)
            table.extra["query"] = request.GET
            export_query = QueryDict(mutable=True)
            export_query.update(criteria.as_query())
            if spec:
                export_query[f"sort_{key}"] = spec
            for fmt in EXPORT_FORMATS:
                table.extra[fmt] = (
                    reverse("training:dashboard-export", args=[key, fmt])
                    + f"?{export_query.urlencode()}"
                )
        context.update(
            board=board,
            criteria=criteria,
            tables=tables,
            charts=_charts(board, tables),
            summary=board.summary(),
            freshness=_freshness(board),
            query=criteria.as_query(),
        )
        if form.viewer.role == ADMIN:
            context["evaluation"] = _evaluation_panel(form.viewer)
    return render(
        request,
        "training/dashboards/dashboard.html",
        context,
        status=200 if form.is_valid() else 400,
    )


def _about(form, criteria, board) -> list[tuple[str, str]]:
    about = [(_("Role"), str(criteria.viewer.role_label)), (_("Year"), str(criteria.year))]
    for name in ("district", "unit", "kind", "program", "asn"):
        value = form.cleaned_data.get(name)
        if value:
            label = dict(form.fields[name].choices).get(value, value)
            about.append((str(form.fields[name].label), str(label)))
    about.append((_("Generated"), timezone.localtime().strftime("%d-%m-%Y %H.%M")))
    freshness = _freshness(board) if board.computed_at else ""
    if freshness:
        about.append((_("Source"), freshness))
    return about


@login_required
@require_GET
def export(request, key: str, fmt: str):
    if key not in TABLE_KEYS or fmt not in EXPORT_FORMATS:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return render(
            request,
            "training/dashboards/dashboard.html",
            {"form": form, "viewer": form.viewer},
            status=400,
        )
    criteria = form.criteria()
    board = _board(criteria, behind_limit=None)
    if key == "budget" and not board.shows_budget:
        raise Http404
    if key == "behind" and board.computed_at is not None:
        # Everyone behind target as the refresh stored it with the summary shown on the
        # page (seconds of SQL live for a province); live when it is missing.
        stored = store.behind_list(criteria.viewer, criteria.year, board.computed_at)
        if stored is not None:
            board.behind = stored
    table = board.table(key)
    spec = request.GET.get(f"sort_{key}")
    if spec and table.sortable:
        table.sort(spec)
    if fmt == "csv":
        return exports.csv_response(table, year=criteria.year)
    return exports.xlsx_response(table, year=criteria.year, about=_about(form, criteria, board))


@login_required
@require_GET
def person(request, pk: int):
    """Show the training record of one person the viewer may see (404 otherwise)."""
    viewer = viewer_for(request.user, request.GET.get("as") or None)
    person = viewer.scope.get_or_404(
        CivilServant.objects.select_related("work_unit", "district", "supervisor"), pk=pk
    )
    # This year where the person works: 1 January starts at 00.00 in their district's zone.
    this_year = local_year(timezone.now(), person.district.time_zone)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and FIRST_YEAR <= int(year) <= this_year + 1 else this_year
    return render(
        request,
        "training/dashboards/person.html",
        {
            "viewer": viewer,
            "person": person,
            "progress": jp_progress(person, year),
            **transcript(person),
        },
    )
