"""Write accepted rows of people (the HR import's commit and the API's upsert) in batches.

The rows come from ``imports.preview_personnel``, already checked against the
database. Here they are checked again where the database may have changed
since (a NIP or login taken meanwhile, a unit gone, a supervisor gone or a
reporting line turned into a loop), each with the row's number, and written
``CHUNK`` rows at a time: the people of a chunk are read in one query (and
locked), the new logins and people created with one insert each, the changed
people updated with one statement (``bulk_sql.update_rows``). A call of any size thus costs a few
queries per ``CHUNK`` rows, and holds model objects for one chunk at a time.
A person whose values are those already stored is not written at all, so the
same rows sent twice change nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District, WorkUnit

from . import bulk_sql, gap_summary, imports

CHUNK = 1000
PERSON_FIELDS = (
    "name",
    "front_title",
    "back_title",
    "gender",
    "asn_type",
    "rank",
    "position_title",
    "position_type",
    "work_unit_id",
    "email",
)
WRITTEN_FIELDS = (*PERSON_FIELDS, "birth_date")
# The model checks its own foreign keys and uniqueness with a query each;
# here they are checked for the whole chunk at once.
CHECKED_IN_BULK = ["user", "district", "work_unit", "supervisor"]


def write_people(district: District, rows: list[dict]) -> None:
    """Create or update the people of accepted preview ``rows`` (inside the caller's transaction).

    Raise ``ValidationError`` naming the first row that can no longer be
    written; the caller's transaction then writes nothing.
    """
    units = WorkUnit.objects.in_bulk({row["values"]["work_unit_id"] for row in rows})
    line = {}  # NIP → (id, stored supervisor id) of each person of the call
    for start in range(0, len(rows), CHUNK):
        line.update(_write_chunk(district, rows[start : start + CHUNK], units))
    _write_supervisors(district, rows, line)
    # Bulk writes send no model signal: the district's gap matrix is queued here.
    gap_summary.refresh_after_commit([district.pk])


def _write_chunk(district: District, rows: list[dict], units: dict) -> dict:
    nips = [row["values"]["nip"] for row in rows]
    found = {
        person.nip: person
        for person in CivilServant.objects.select_for_update().filter(nip__in=nips).order_by()
    }
    missing = [nip for nip in nips if nip not in found]
    taken = set(
        get_user_model()
        .objects.filter(username__in=missing)
        .values_list("username", flat=True)
        .order_by()
        if missing
        else ()
    )
    new, changed = [], []
    for row in rows:
        values = row["values"]
        person = found.get(values["nip"])
        if (person is None and values["nip"] in taken) or (
            person is not None and person.district_id != district.pk
        ):
            # Taken since the preview; whose it is, is not this district's business.
            taken_meanwhile = ValidationError(_("This NIP cannot be imported in this district."))
            raise imports.row_error(row, taken_meanwhile)
        stored = None if person is None else _values(person)
        if person is None:
            person = CivilServant(district=district, nip=values["nip"])
        for field in PERSON_FIELDS:
            setattr(person, field, values[field])
        person.birth_date = datetime.date.fromisoformat(values["birth_date"])
        _check(person, row, units)
        if stored is None:
            new.append(person)
        elif _values(person) != stored:
            changed.append(person)
    _create(new)
    bulk_sql.update_rows(CivilServant, changed, WRITTEN_FIELDS)
    chunk_line = {nip: (person.pk, person.supervisor_id) for nip, person in found.items()}
    chunk_line.update({person.nip: (person.pk, None) for person in new})
    return chunk_line


def _values(person: CivilServant) -> tuple:
    return tuple(getattr(person, field) for field in WRITTEN_FIELDS)


def _check(person: CivilServant, row: dict, units: dict) -> None:
    """Run the model's own checks of ``person``, but those of ``CHECKED_IN_BULK``."""
    unit = units.get(person.work_unit_id)
    if unit is None:
        raise imports.row_error(row, bulk_sql.gone(CivilServant, "work_unit", person.work_unit_id))
    person.work_unit = unit
    # The reporting line is checked for the whole call at once, once written.
    supervisor_id, person.supervisor_id = person.supervisor_id, None
    errors = bulk_sql.model_errors(person, exclude=CHECKED_IN_BULK)
    person.supervisor_id = supervisor_id
    if errors:
        raise imports.row_error(row, ValidationError(errors))


def _create(people: list[CivilServant]) -> None:
    users = []
    for person in people:
        user = get_user_model()(username=person.nip)
        user.set_unusable_password()
        users.append(user)
    get_user_model().objects.bulk_create(users, batch_size=CHUNK)
    for person, user in zip(people, users, strict=True):
        person.user = user
    CivilServant.objects.bulk_create(people, batch_size=CHUNK)


def _write_supervisors(district: District, rows: list[dict], line: dict) -> None:
    """Point each person to the supervisor of their row, then refuse a loop in the line."""
    elsewhere = {row["values"]["supervisor_nip"] for row in rows} - set(line) - {""}
    others = {}
    for batch in _batches(sorted(elsewhere)):
        others.update(
            CivilServant.objects.filter(district=district, nip__in=batch)
            .values_list("nip", "pk")
            .order_by()
        )
    moves = {}  # person id → (new supervisor id, row)
    for row in rows:
        pk, stored = line[row["values"]["nip"]]
        boss_nip = row["values"]["supervisor_nip"]
        boss = line[boss_nip][0] if boss_nip in line else others.get(boss_nip)
        if boss_nip and boss is None:
            raise ValidationError(
                imports.interpolate(
                    _("row %(row)d: supervisor %(nip)s no longer exists."),
                    {"row": row["row"], "nip": boss_nip},
                )
            )
        if boss == pk:
            raise imports.row_error(row, ValidationError(_("A person cannot supervise themself.")))
        if boss != stored:
            moves[pk] = (boss, row)
    if not moves:
        return
    for batch in _batches(list(moves.items())):
        moved = [CivilServant(pk=pk, supervisor_id=boss) for pk, (boss, _row) in batch]
        bulk_sql.update_rows(CivilServant, moved, ("supervisor_id",))
    reporting = dict(
        CivilServant.objects.filter(district=district, supervisor__isnull=False)
        .values_list("pk", "supervisor_id")
        .order_by()
    )
    looped = imports.on_cycles(reporting)
    for row in rows:
        pk = line[row["values"]["nip"]][0]
        if pk in moves and pk in looped:
            raise imports.row_error(
                row,
                ValidationError(
                    _(
                        "This supervisor reports (directly or indirectly) to this person: "
                        "the reporting line would form a cycle."
                    )
                ),
            )


def _batches(items: list) -> list[list]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
