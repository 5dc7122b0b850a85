"""The gap matrix of each district, precomputed: what the gap page reads at scale.

Computing a district's matrix live costs one statement over every need of its
people (76,000 for 10,000 people and 30 competencies: about half a second on
PostgreSQL, seconds for a province). So, as the dashboards do, a Celery task
stores each district's cells (unit × competency: needing, lacking) in
``GapSummaryCell`` with the moment they were computed:

- beat refreshes every district (``refresh_all``, every 15 minutes);
- a change to a district's competencies, requirements, individual needs,
  completions or people queues a refresh of that district (``queue_refresh``),
  debounced: one refresh ``GAP_REFRESH_DELAY`` seconds after the first change,
  which covers every change committed before it starts.

A page uses a summary only while it is younger than ``GAP_SUMMARY_MAX_AGE_MINUTES``
and was counted on the district's current day (the validity windows move with
the date); otherwise it computes live, as it does for the views a summary
cannot answer (a supervisor's subtree, a filter by ASN type or rank).
The change hooks are model signals on purpose, the one exception to "no domain
flow in signals": they carry no domain rule, only mark derived figures stale,
and so cover every writer (HR forms, the API, the admin, imports saving row by
row) without each having to remember. Bulk writes (``bulk_create``,
``update()``) send no signal: the batched write of people (imports and the API)
calls ``refresh_after_commit`` itself; any other bulk write waits for the beat.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from asnportal.tasks import enqueue, task_named
from districts.localtime import in_zone
from districts.models import CivilServant, District
from districts.scoping import Scope

from ..models import (
    Competency,
    CompetencyRequirement,
    CompletionRecord,
    GapSummary,
    GapSummaryCell,
    IndividualNeed,
)
from . import needs
from .dashboards.access import HR, Viewer

REFRESH_TASK = "training.gaps.refresh_district"
REFRESH_ALL_TASK = "training.gaps.refresh_all"


def district_people(district_id: int):
    """Return the people of the district as its HR staff see them on the gap page."""
    scope = Scope(
        hr_district_ids=frozenset({district_id}), include_subtree=False, include_self=False
    )
    return Viewer(role=HR, scope=scope, roles=()).people()


def local_day(now: datetime.datetime, time_zone: str) -> datetime.date:
    return in_zone(now, time_zone).date()


def refresh(district_id: int, *, now: datetime.datetime) -> int:
    """Recompute and store the district's matrix as of ``now``; return its number of cells.

    Idempotent: the district's cells are replaced in one transaction, so a page
    reads either the previous summary or the new one, never half of each; of two
    refreshes at once, the one that started later (a later ``now``) is kept.
    """
    district = District.objects.filter(pk=district_id).only("pk", "time_zone").first()
    if district is None:
        return 0
    on = local_day(now, district.time_zone)
    cells = needs.gap_matrix(district_people(district_id), on=on)
    with transaction.atomic():
        summary, created = GapSummary.objects.select_for_update().get_or_create(
            district_id=district_id, defaults={"computed_at": now, "on": on}
        )
        if not created:
            if summary.computed_at > now:
                return len(cells)
            summary.computed_at, summary.on = now, on
            summary.save(update_fields=["computed_at", "on"])
        summary.cells.all().delete()
        GapSummaryCell.objects.bulk_create(
            (
                GapSummaryCell(
                    summary=summary,
                    work_unit_id=cell.work_unit_id,
                    competency_id=cell.competency_id,
                    needing=cell.needing,
                    lacking=cell.lacking,
                )
                for cell in cells
            ),
            batch_size=2000,
        )
    return len(cells)


def refresh_all(*, now: datetime.datetime) -> int:
    """Refresh every district's summary (beat); return how many districts."""
    ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        refresh(pk, now=now)
    return len(ids)


def fresh(district_ids, *, now: datetime.datetime) -> dict[int, GapSummary]:
    """Return, per district of ``district_ids`` with a usable summary, that summary (one query)."""
    oldest = now - datetime.timedelta(minutes=settings.GAP_SUMMARY_MAX_AGE_MINUTES)
    summaries = GapSummary.objects.filter(
        district_id__in=district_ids, computed_at__gte=oldest
    ).select_related("district")
    return {
        summary.district_id: summary
        for summary in summaries
        if summary.on == local_day(now, summary.district.time_zone)
    }


def cells(summaries, *, unit_id: int | None = None) -> list[needs.Cell]:
    """Return the stored cells of the summaries (optionally of one unit), as ``needs.Cell``."""
    rows = GapSummaryCell.objects.filter(summary__in=[s.pk for s in summaries])
    if unit_id:
        rows = rows.filter(work_unit_id=unit_id)
    return [
        needs.Cell(*row)
        for row in rows.values_list("work_unit_id", "competency_id", "needing", "lacking")
    ]


def per_district_competency(summaries) -> dict[int, dict[int, tuple[int, int]]]:
    """Return district -> competency -> (needing, lacking), summed over the units (one query)."""
    rows = (
        GapSummaryCell.objects.filter(summary__in=[s.pk for s in summaries])
        .values_list("summary__district_id", "competency_id")
        .annotate(needing=Sum("needing"), lacking=Sum("lacking"))
        .order_by()
    )
    result: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for district, competency, needing, lacking in rows:
        result[district][competency] = (needing, lacking)
    return result


# Queuing on change ---------------------------------------------------------------


def _debounce_key(district_id: int) -> str:
    return f"gap-refresh-queued:{district_id}"


def queue_refresh(district_ids) -> list[int]:
    """Queue a refresh of each district unless one is already waiting; return those queued.

    The key lives as long as the delay: a change while it exists is covered by
    the refresh queued before it (which starts only when the key has expired).
    A task run eagerly (no broker: tests, a bare development run) runs at once,
    before any later change, so then every change refreshes.
    """
    delay = settings.GAP_REFRESH_DELAY
    eager = task_named(REFRESH_TASK).app.conf.task_always_eager
    queued = []
    for district_id in sorted({pk for pk in district_ids if pk}):
        key = _debounce_key(district_id)
        if not eager and not cache.add(key, True, timeout=max(delay, 1)):
            continue
        if enqueue(REFRESH_TASK, district_id, countdown=delay):
            queued.append(district_id)
        else:  # the broker is down: let the next change try again (beat catches up anyway)
            cache.delete(key)
    return queued


def refresh_after_commit(district_ids) -> None:
    """Queue a refresh of these districts once the caller's transaction commits.

    For writers that send no model signal (bulk inserts and updates of people).
    """
    _on_commit(districts=district_ids)


def _on_commit(*, districts=(), people=(), competencies=()) -> None:
    """After the change commits, queue the refresh of the districts it touches."""
    districts, people, competencies = set(districts), set(people), set(competencies)

    def queue() -> None:
        ids = set(districts)
        if people:
            ids.update(
                CivilServant.objects.filter(pk__in=people).values_list("district_id", flat=True)
            )
        if competencies:
            ids.update(
                Competency.objects.filter(pk__in=competencies).values_list("district_id", flat=True)
            )
        queue_refresh(ids)

    transaction.on_commit(queue)


@receiver([post_save, post_delete], sender=Competency)
@receiver([post_save, post_delete], sender=CompetencyRequirement)
def _district_rule_changed(sender, instance, **kwargs) -> None:
    _on_commit(districts=[instance.district_id])


@receiver([post_save, post_delete], sender=IndividualNeed)
@receiver([post_save, post_delete], sender=CompletionRecord)
def _person_record_changed(sender, instance, **kwargs) -> None:
    _on_commit(people=[instance.civil_servant_id])


@receiver([post_save, post_delete], sender=CivilServant)
def _person_changed(sender, instance, **kwargs) -> None:
    _on_commit(districts=[instance.district_id])


@receiver(m2m_changed, sender=Competency.programs.through)
def _programs_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # a competency's programs changed
        _on_commit(districts=[instance.district_id])
    elif pk_set:  # a program's competencies changed
        _on_commit(competencies=pk_set)
    else:  # a program's competencies cleared: those of its district
        _on_commit(districts=[instance.district_id])
