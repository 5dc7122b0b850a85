"""Bulk upsert of civil servants by NIP (the API's SIMPEG sync), with the HR import's rules.

The rows are checked by the personnel import's own preview
(``imports.preview_personnel``: the same columns, per-row errors and
messages) and written as the import's commit writes them (``people_writes``, in
batches), in one transaction. Keyed by NIP, so the same call run twice leaves
the same data.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import District

from ..models import AuditEntry
from . import audit, imports, people_writes


def upsert_people(
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

    Return ``{"rows", "counts", "dry_run", "written"}``. Nothing is written on a
    dry run, nor when a row is rejected and ``good_rows_only`` is False.
    """
    table = [
        (number, {key: str(value or "") for key, value in raw.items()})
        for number, raw in enumerate(rows, start=1)
    ]
    preview = imports.preview_personnel(district=district, table=table)
    accepted = [row for row in preview["rows"] if row["action"] != "reject"]
    counts = preview["counts"]
    write = not dry_run and bool(accepted) and (good_rows_only or not counts["reject"])
    if write:
        with transaction.atomic():
            people_writes.write_people(district, accepted)
            audit.record(
                session=None,
                district_id=district.pk,
                actor=actor,
                action=AuditEntry.Action.API_WRITE,
                detail=_("%(via)s: people, %(create)d new, %(update)d updated, %(reject)d rejected")
                % {"via": via, **counts},
            )
    result_rows = [
        {"row": row["row"], "action": row["action"], "nip": row["nip"], "errors": row["errors"]}
        for row in preview["rows"]
    ]
    return {"rows": result_rows, "counts": counts, "dry_run": dry_run, "written": write}
