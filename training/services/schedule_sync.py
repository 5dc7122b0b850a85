"""Bulk upsert of schedule entries by external id (the API's roster sync), with the import's rules.

Each row carries the entry's id in the roster system (``external_id``) and
the columns of the HR schedule import, checked by the import's own preview
(``imports.preview_schedule``: the same per-row errors and messages). A row
whose external id is already in the district rewrites that entry, any other
creates one; the same call twice leaves the same data. As the import does,
the people whose schedule changed have their clashes re-checked after the
commit.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import District, ScheduleEntry
from districts.validation import has_control_characters

from ..models import AuditEntry
from . import audit, imports, reminders, schedule_writes

EXTERNAL_ID = "ID Eksternal"  # the column name of the external id in row errors


def _check_external_ids(rows: list[dict]) -> dict[int, str]:
    """Return row number → why its external id is refused."""
    errors, first = {}, {}
    for number, raw in enumerate(rows, start=1):
        value = raw.get("external_id", "")
        if not value.strip() or len(value) > 64 or has_control_characters(value):
            errors[number] = _("Give the entry's id in the roster system (at most 64 characters).")
        elif value in first:
            errors[number] = _("The external id is also in row %(row)d.") % {"row": first[value]}
        else:
            first[value] = number
    return errors


def upsert_schedule(
    *,
    district: District,
    rows: list[dict],
    actor,
    now: datetime.datetime,
    dry_run: bool = False,
    good_rows_only: bool = False,
    via: str = "",
) -> dict:
    """Check ``rows`` (numbered from 1) and write them unless told not to.

    Return ``{"rows", "counts", "dry_run", "written"}`` as ``people_sync`` does.
    """
    rows = [{key: str(value or "") for key, value in raw.items()} for raw in rows]
    id_errors = _check_external_ids(rows)
    known = dict(
        ScheduleEntry.objects.filter(
            civil_servant__district=district,
            external_id__in=[raw.get("external_id", "") for raw in rows],
        ).values_list("external_id", "pk")
    )
    replaces = {
        number: known[raw["external_id"]]
        for number, raw in enumerate(rows, start=1)
        if raw.get("external_id") in known
    }
    table = [(number, raw) for number, raw in enumerate(rows, start=1)]
    preview = imports.preview_schedule(district=district, table=table, replaces=replaces)
    result_rows = []
    for item, raw in zip(preview["rows"], rows, strict=True):
        errors = list(item["errors"])
        if item["row"] in id_errors:
            errors.append({"column": EXTERNAL_ID, "message": id_errors[item["row"]]})
        action = "reject" if errors else ("update" if item["row"] in replaces else "create")
        result_rows.append(
            {
                "row": item["row"],
                "action": action,
                "nip": item["nip"],
                "errors": errors,
                "values": item["values"],
                "external_id": raw.get("external_id", ""),
            }
        )
    counts = {
        action: sum(1 for row in result_rows if row["action"] == action)
        for action in ("create", "update", "reject")
    }
    accepted = [row for row in result_rows if row["action"] != "reject"]
    write = not dry_run and bool(accepted) and (good_rows_only or not counts["reject"])
    if write:
        with transaction.atomic():
            schedule_writes.write_entries(accepted, actor=actor, now=now, replaces=replaces)
            audit.record(
                session=None,
                district_id=district.pk,
                actor=actor,
                action=AuditEntry.Action.API_WRITE,
                detail=_(
                    "%(via)s: schedule, %(create)d new, %(update)d updated, %(reject)d rejected"
                )
                % {"via": via, **counts},
            )
            # The new or moved shifts may clash with sessions the people are enrolled in.
            reminders.queue_people_recheck(
                (row["values"]["civil_servant_id"] for row in accepted), now=now
            )
    return {
        "rows": [
            {key: row[key] for key in ("row", "action", "nip", "errors")} for row in result_rows
        ],
        "counts": counts,
        "dry_run": dry_run,
        "written": write,
    }
