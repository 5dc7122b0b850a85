"""Write accepted rows of schedule entries (the HR import's commit, the API's upsert) in batches.

The rows come from ``imports.preview_schedule``, already checked against the
database. Here each is checked again by the model's own rules, and against
what the database may hold since the preview (the person gone, the same
entry added meanwhile), with the row's number; then written ``CHUNK`` rows at
a time: the people and the entries a chunk rewrites are read in one query
each (the entries locked), the entries that could clash in one more, the new
entries created with one insert, the changed ones updated with one
statement. An entry whose values are those already stored is not written.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, ScheduleEntry

from . import bulk_sql, imports

CHUNK = 1000
COMPARED_FIELDS = ("civil_servant_id", "kind", "leave_type", "start", "end", "note")
WRITTEN_FIELDS = (*COMPARED_FIELDS, "updated_at")
# The model checks its foreign keys and its uniqueness with a query each; here
# they are checked for the whole chunk at once.
CHECKED_IN_BULK = ["civil_servant", "entered_by"]


def write_entries(
    rows: list[dict], *, actor, now: datetime.datetime, replaces: dict[int, int] | None = None
) -> None:
    """Create the entries of accepted preview ``rows`` (inside the caller's transaction).

    ``replaces`` (row number → entry id, the API's upsert): the entry that row
    rewrites. Raise ``ValidationError`` naming the first row that can no
    longer be written; the caller's transaction then writes nothing.
    """
    replaces = replaces or {}
    for start in range(0, len(rows), CHUNK):
        _write_chunk(rows[start : start + CHUNK], actor=actor, now=now, replaces=replaces)


def _key(entry: ScheduleEntry) -> tuple:
    return (entry.civil_servant_id, entry.kind, entry.start, entry.end)


def _write_chunk(rows: list[dict], *, actor, now: datetime.datetime, replaces: dict) -> None:
    people = CivilServant.objects.only("id", "asn_type").in_bulk(
        {row["values"]["civil_servant_id"] for row in rows}
    )
    entries = ScheduleEntry.objects.select_for_update().in_bulk(
        [replaces[row["row"]] for row in rows if row["row"] in replaces]
    )
    starts = {datetime.datetime.fromisoformat(row["values"]["start"]) for row in rows}
    # Entries the rows could duplicate (the database's unique constraint, checked here first).
    taken = {
        (person, kind, start, end): pk
        for pk, person, kind, start, end in ScheduleEntry.objects.filter(
            civil_servant_id__in=list(people), start__in=starts
        )
        .order_by()
        .values_list("pk", "civil_servant_id", "kind", "start", "end")
    }
    new, changed = [], []
    for row in rows:
        values = row["values"]
        person = people.get(values["civil_servant_id"])
        if person is None:
            gone = bulk_sql.gone(ScheduleEntry, "civil_servant", values["civil_servant_id"])
            raise imports.row_error(row, gone)
        entry = entries.get(replaces.get(row["row"]))
        stored = None if entry is None else tuple(getattr(entry, f) for f in COMPARED_FIELDS)
        if entry is None:
            entry = ScheduleEntry(
                external_id=row.get("external_id", ""),
                source=ScheduleEntry.Source.IMPORT,
                entered_by=actor,
            )
        elif taken.get(_key(entry)) == entry.pk:
            del taken[_key(entry)]  # moved away: its old times are free for the next rows
        entry.civil_servant = person
        entry.kind = values["kind"]
        entry.leave_type = values["leave_type"]
        entry.start = datetime.datetime.fromisoformat(values["start"])
        entry.end = datetime.datetime.fromisoformat(values["end"])
        entry.note = values["note"]
        _check(entry, row)
        if _key(entry) in taken and (entry.pk is None or taken[_key(entry)] != entry.pk):
            raise imports.row_error(
                row, ValidationError(_("This entry is already in the schedule."))
            )
        taken[_key(entry)] = entry.pk
        if stored is None:
            new.append(entry)
        elif tuple(getattr(entry, f) for f in COMPARED_FIELDS) != stored:
            entry.updated_at = now
            changed.append(entry)
    ScheduleEntry.objects.bulk_create(new, batch_size=CHUNK)
    bulk_sql.update_rows(ScheduleEntry, changed, WRITTEN_FIELDS)


def _check(entry: ScheduleEntry, row: dict) -> None:
    """Run the model's own checks of ``entry``, but those of ``CHECKED_IN_BULK``."""
    errors = bulk_sql.model_errors(entry, exclude=CHECKED_IN_BULK)
    if errors:
        raise imports.row_error(row, ValidationError(errors))
