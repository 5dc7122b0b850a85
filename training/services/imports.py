"""Check imported personnel and schedule rows: a preview of what would change, row by row.

Each preview row is plain JSON: ``{"row", "action", "nip", "name", "errors", "values"}``
with ``action`` one of ``create``, ``update`` or ``reject`` and each error naming
its column. Committing (``import_jobs``) writes the accepted ``values`` as previewed.
"""

import datetime
import functools
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District, ScheduleEntry, WorkUnit
from districts.nip import normalize_nip, parse_nip
from districts.ranks import ranks_for
from districts.validation import (
    SINGLE_LINE_MESSAGE,
    choice_lookup,
    has_control_characters,
    match_choice,
    printable,
    validate_portal_date,
)

PERSONNEL_COLUMNS = {
    "NIP": "nip",
    "Nama": "name",
    "Gelar Depan": "front_title",
    "Gelar Belakang": "back_title",
    "Jenis Kelamin": "gender",
    "Tanggal Lahir": "birth_date",
    "Jenis ASN": "asn_type",
    "Pangkat/Golongan": "rank",
    "Jabatan": "position_title",
    "Jenis Jabatan": "position_type",
    "Unit Kerja": "work_unit",
    "NIP Atasan": "supervisor",
    "Email": "email",
}
PERSONNEL_REQUIRED = {
    "nip",
    "name",
    "gender",
    "birth_date",
    "asn_type",
    "rank",
    "position_title",
    "work_unit",
}
SCHEDULE_COLUMNS = {
    "NIP": "nip",
    "Jenis": "kind",
    "Jenis Cuti": "leave_type",
    "Mulai": "start",
    "Selesai": "end",
    "Keterangan": "note",
}
SCHEDULE_REQUIRED = {"nip", "kind", "start", "end"}

GENDERS = {
    "l": "male",
    "laki-laki": "male",
    "pria": "male",
    "male": "male",
    "p": "female",
    "perempuan": "female",
    "wanita": "female",
    "female": "female",
}
# Besides a choice's value and the labels the portal shows (Indonesian and
# English, any case), these words HR commonly types are understood too.
SCHEDULE_KIND_ALIASES = {
    "shift": "duty_shift",
    "piket": "duty_shift",
    "dinas luar": "official_travel",
}
LEAVE_TYPE_ALIASES = {
    "cuti alasan penting": "alasan_penting",
    "di luar tanggungan negara": "cltn",
    "cuti di luar tanggungan negara": "cltn",
}
POSITION_TYPE_ALIASES = {
    "jpt utama": "jpt_utama",
    "jpt madya": "jpt_madya",
    "jpt pratama": "jpt_pratama",
}


@functools.cache
def _lookups() -> dict[str, dict[str, str]]:
    # Built on first use: labels are translated, which needs the apps loaded.
    return {
        "kind": choice_lookup(ScheduleEntry.Kind.choices, aliases=SCHEDULE_KIND_ALIASES),
        "leave_type": choice_lookup(ScheduleEntry.LeaveType.choices, aliases=LEAVE_TYPE_ALIASES),
        "position_type": choice_lookup(
            CivilServant.PositionType.choices, aliases=POSITION_TYPE_ALIASES
        ),
    }


def _interpolate(text, params: dict) -> str:
    return str(text) % params


# A row's message is kept lazy until it is stored, then written in every
# language of the portal, so that the preview reads in the reader's language.
interpolate = lazy(_interpolate, str)


def _join_messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


joined = lazy(_join_messages, str)


def row_error(row: dict, exc: ValidationError) -> ValidationError:
    """Return ``exc`` as the refusal of the preview row ``row``, with its number."""
    return ValidationError(
        interpolate(_("row %(row)d: %(reason)s"), {"row": row["row"], "reason": joined(exc)})
    )


def in_every_language(message) -> dict[str, str]:
    """Return a lazy message as written in each language of the portal."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = str(message)
    return texts


def _join_labels(choices) -> str:
    return ", ".join(str(label) for _value, label in choices)


_labels = lazy(_join_labels, str)


DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
DATETIME_FORMATS = (
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H.%M",
    "%Y-%m-%dT%H:%M",
    # Spreadsheet cells at midnight arrive as a bare date.
    "%Y-%m-%d",
    "%d-%m-%Y",
)


def _header(columns: dict, field: str) -> str:
    return next(header for header, name in columns.items() if name == field)


def _parse(value: str, formats) -> datetime.datetime | None:
    for fmt in formats:
        try:
            return datetime.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


def _rank(value: str) -> str:
    first = value.split()[0] if value.split() else ""
    if "/" in value:
        roman, _, letter = re.sub(r"\s+", "", value).partition("/")
        return f"{roman.upper()}/{letter[:1].lower()}"
    return first.upper()


class _Row:
    def __init__(self, number: int, raw: dict, columns: dict):
        self.number, self.raw, self.columns = number, raw, columns
        self.errors, self.values = [], {}
        for field, value in raw.items():
            if has_control_characters(value):
                self.error(field, SINGLE_LINE_MESSAGE)

    def error(self, field: str, message) -> None:
        """Record the first problem of a column, in every language (``message`` is lazy)."""
        column = _header(self.columns, field)
        if not any(error["column"] == column for error in self.errors):
            messages = in_every_language(message)
            self.errors.append({"column": column, "message": str(message), "messages": messages})

    def text(self, model, field: str) -> str:
        """Return the cell for ``field``, checked by the model field's own validators."""
        value = self.raw.get(field, "").strip()
        if value:
            try:
                model._meta.get_field(field).run_validators(value)
            except ValidationError as exc:
                self.error(field, joined(exc))
        return value

    def as_json(self, action: str) -> dict:
        nip = self.values.get("nip") or normalize_nip(self.raw.get("nip", ""))
        return {
            "row": self.number,
            "action": "reject" if self.errors else action,
            "nip": printable(nip, limit=40),
            "name": printable(self.raw.get("name", ""), limit=150),
            "errors": self.errors,
            "values": {} if self.errors else self.values,
        }


def _counts(rows: list[dict]) -> dict:
    return {
        action: sum(1 for row in rows if row["action"] == action)
        for action in ("create", "update", "reject")
    }


def preview_personnel(*, district: District, table: list[tuple[int, dict]], progress=None) -> dict:
    """Return ``{"rows": [...], "counts": {...}}`` for a personnel file of ``district``."""
    units = {}
    for unit in WorkUnit.objects.filter(district=district):
        units[unit.code.casefold()] = unit.pk
        units.setdefault(unit.name.casefold(), unit.pk)
    nips = [normalize_nip(raw.get("nip", "")) for _, raw in table]
    existing = {
        nip: (pk, district_id)
        for nip, pk, district_id in CivilServant.objects.filter(nip__in=nips).values_list(
            "nip", "pk", "district_id"
        )
    }
    taken_logins = set(
        get_user_model().objects.filter(username__in=nips).values_list("username", flat=True)
    )
    rows, first_row_of = [], {}
    for index, (number, raw) in enumerate(table, start=1):
        row = _Row(number, raw, PERSONNEL_COLUMNS)
        _check_person(row, raw, units)
        nip = row.values.get("nip")
        if nip:
            if nip in first_row_of:
                row.error(
                    "nip",
                    interpolate(_("The NIP is also in row %(row)d."), {"row": first_row_of[nip]}),
                )
            else:
                first_row_of[nip] = number
            # Whether the NIP is someone's elsewhere, or an administrator's
            # login, is not this district's HR's business: say only "not here".
            elsewhere = nip in existing and existing[nip][1] != district.pk
            if elsewhere or (nip not in existing and nip in taken_logins):
                row.error("nip", _("This NIP cannot be imported in this district."))
        rows.append(row)
        if progress and index % 500 == 0:
            progress(index)
    _check_supervisors(district, rows)
    result = [
        row.as_json("update" if row.values.get("nip") in existing else "create") for row in rows
    ]
    return {"rows": result, "counts": _counts(result)}


def _check_person(row: _Row, raw: dict, units: dict) -> None:
    values = row.values
    for field in ("name", "position_title"):
        if not raw.get(field, "").strip():
            row.error(field, _("This column is required."))
    for field in ("name", "position_title", "front_title", "back_title"):
        values[field] = row.text(CivilServant, field)
    gender = GENDERS.get(raw.get("gender", "").strip().casefold())
    if gender is None:
        row.error("gender", _("Use L (male) or P (female)."))
    asn_type = raw.get("asn_type", "").strip().upper()
    if asn_type not in CivilServant.AsnType.values:
        row.error("asn_type", _("Use PNS, CPNS or PPPK."))
        asn_type = None
    born = _parse(raw.get("birth_date", ""), DATE_FORMATS)
    if born is None:
        row.error(
            "birth_date",
            interpolate(
                _("“%(value)s” is not a date (DD-MM-YYYY)."),
                {"value": printable(raw.get("birth_date", ""))},
            ),
        )
    rank = _rank(raw.get("rank", ""))
    if asn_type and rank not in ranks_for(asn_type):
        row.error(
            "rank",
            interpolate(
                _("“%(value)s” is not a rank for %(type)s."),
                {"value": printable(raw.get("rank", "")), "type": asn_type},
            ),
        )
    position_type = match_choice(
        _lookups()["position_type"], raw.get("position_type", "").strip() or "pelaksana"
    )
    if position_type is None:
        row.error("position_type", _("Unknown position type."))
    unit_id = units.get(raw.get("work_unit", "").strip().casefold())
    if unit_id is None:
        row.error(
            "work_unit",
            interpolate(
                _("Unknown work unit “%(value)s” in this district."),
                {"value": printable(raw.get("work_unit", ""))},
            ),
        )
    email = row.text(CivilServant, "email")
    try:
        nip = parse_nip(
            raw.get("nip", ""),
            asn_type=asn_type or "PNS",
            gender=gender,
            birth_date=born.date() if born else None,
        ).digits
    except ValidationError as exc:
        row.error("nip", joined(exc))
        nip = None
    values.update(
        {
            "nip": nip,
            "gender": gender,
            "asn_type": asn_type,
            "birth_date": born.date().isoformat() if born else None,
            "rank": rank,
            "position_type": position_type,
            "work_unit_id": unit_id,
            "email": email,
            "supervisor_nip": normalize_nip(raw.get("supervisor", "")),
        }
    )


def _check_supervisors(district: District, rows: list[_Row]) -> None:
    """Reject unknown supervisors and reporting lines that would form a cycle.

    The reporting line is the district's, with each accepted row's supervisor
    in place of the stored one. Every row has at most one supervisor, so the
    line is a graph of out-degree one: walking it once from every person, and
    marking who has been walked, finds every cycle in time linear in its size.
    A rejected row leaves the person's stored line (or no one) in its place,
    which the next round checks again; a round rejects at least one row, and a
    file without such knock-on rejections takes one round.
    """
    stored = dict(
        CivilServant.objects.filter(district=district, is_active=True).values_list(
            "nip", "supervisor__nip"
        )
    )
    candidates = {row.values["nip"]: row for row in rows if not row.errors}
    while True:
        line = dict(stored)
        line.update({nip: row.values["supervisor_nip"] or None for nip, row in candidates.items()})
        rejected = {}
        for nip, row in candidates.items():
            boss = row.values["supervisor_nip"]
            if boss and boss == nip:
                rejected[nip] = _("A person cannot supervise themself.")
            elif boss and boss not in line:
                rejected[nip] = _unknown_supervisor(boss)
        for nip in on_cycles(line):
            if nip in candidates and nip not in rejected:
                rejected[nip] = _(
                    "This supervisor reports (directly or not) to this person: "
                    "the reporting line would form a cycle."
                )
        if not rejected:
            return
        _reject_reports_of_rejected(candidates, stored, rejected)
        for nip, message in rejected.items():
            candidates.pop(nip).error("supervisor", message)


def _unknown_supervisor(nip: str) -> str:
    return interpolate(
        _("No civil servant of this district (nor a valid row) has NIP %(nip)s."), {"nip": nip}
    )


def _reject_reports_of_rejected(candidates: dict, stored: dict, rejected: dict) -> None:
    """Add to ``rejected`` everyone whose supervisor is now known to no one, down the line."""
    reports = {}
    for nip, row in candidates.items():
        reports.setdefault(row.values["supervisor_nip"], []).append(nip)
    gone = [nip for nip in rejected if nip not in stored]
    while gone:
        boss = gone.pop()
        for nip in reports.get(boss, ()):
            if nip not in rejected:
                rejected[nip] = _unknown_supervisor(boss)
                if nip not in stored:
                    gone.append(nip)


def on_cycles(line: dict) -> set:
    """Return the people on a cycle of ``line`` (person → supervisor), in one pass."""
    state = {}  # nip → the walk that reached it; a walk ends at a walked person
    on_cycle = set()
    for walk, start in enumerate(line):
        path, current = [], start
        while current is not None and current in line and current not in state:
            state[current] = walk
            path.append(current)
            current = line[current]
        if current is not None and state.get(current) == walk:
            # This walk came back to itself: the loop is its tail from ``current``.
            on_cycle.update(path[path.index(current) :])
    return on_cycle


def preview_schedule(
    *, district: District, table: list[tuple[int, dict]], progress=None, replaces=None
) -> dict:
    """Return ``{"rows": [...], "counts": {...}}`` for a schedule file of ``district``.

    ``replaces`` (row number → entry id, for the API's upsert): the entry a row
    rewrites is no duplicate of that row.
    """
    nips = [normalize_nip(raw.get("nip", "")) for _, raw in table]
    people = {
        nip: (pk, asn_type, name)
        for nip, pk, asn_type, name in CivilServant.objects.filter(
            district=district, nip__in=nips, is_active=True
        ).values_list("nip", "pk", "asn_type", "name")
    }
    zone = district.tzinfo
    lookups = _lookups()
    rows, seen = [], {}
    for index, (number, raw) in enumerate(table, start=1):
        row = _Row(number, raw, SCHEDULE_COLUMNS)
        nip = normalize_nip(raw.get("nip", ""))
        if nip not in people:
            row.error(
                "nip",
                interpolate(
                    _("No active civil servant of this district has NIP %(nip)s."),
                    {"nip": printable(nip)},
                ),
            )
        kind = match_choice(lookups["kind"], raw.get("kind", ""))
        if kind is None:
            row.error(
                "kind",
                interpolate(
                    _("Use one of: %(choices)s."), {"choices": _labels(ScheduleEntry.Kind.choices)}
                ),
            )
        leave_type = ""
        if kind == ScheduleEntry.Kind.LEAVE:
            leave_type = match_choice(lookups["leave_type"], raw.get("leave_type", ""))
            if leave_type is None:
                row.error(
                    "leave_type",
                    interpolate(
                        _("Give the type of leave, one of: %(choices)s."),
                        {"choices": _labels(ScheduleEntry.LeaveType.choices)},
                    ),
                )
            elif (
                nip in people
                and people[nip][1] == "PPPK"
                and leave_type not in ScheduleEntry.PPPK_LEAVE_TYPES
            ):
                row.error("leave_type", _("This leave type is not available to PPPK."))
        start = _moment(row, "start", zone)
        end = _moment(row, "end", zone)
        if start and end and end <= start:
            row.error("end", _("The end must be after the start."))
        note = row.text(ScheduleEntry, "note")
        key = (nip, kind, start, end)
        if not row.errors and key in seen:
            row.error(
                "start",
                interpolate(_("The same entry is also in row %(row)d."), {"row": seen[key]}),
            )
        seen.setdefault(key, number)
        if not row.errors:
            row.values = {
                "nip": nip,
                "civil_servant_id": people[nip][0],
                "kind": kind,
                "leave_type": leave_type or "",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "note": note,
            }
        rows.append(row)
        if progress and index % 500 == 0:
            progress(index)
    _reject_existing_entries(rows, replaces or {})
    result = [row.as_json("create") for row in rows]
    for item in result:  # a roster names people by NIP only: show whose row it is
        item["name"] = people[item["nip"]][2] if item["nip"] in people else ""
    return {"rows": result, "counts": _counts(result)}


def _moment(row: _Row, field: str, zone) -> datetime.datetime | None:
    """Return the row's aware ``field`` in the district's zone, or record why not."""
    raw = row.raw.get(field, "")
    value = _parse(raw, DATETIME_FORMATS)
    if value is None:
        row.error(
            field,
            interpolate(
                _("“%(value)s” is not a date and time (DD-MM-YYYY HH.MM)."),
                {"value": printable(raw)},
            ),
        )
        return None
    try:
        validate_portal_date(value)
    except ValidationError as exc:
        row.error(field, joined(exc))
        return None
    return value.replace(tzinfo=zone)


def _reject_existing_entries(rows: list[_Row], replaces: dict[int, int]) -> None:
    valid = [row for row in rows if not row.errors]
    if not valid:
        return
    existing = {
        (person, kind, start, end): pk
        for pk, person, kind, start, end in ScheduleEntry.objects.filter(
            civil_servant_id__in={row.values["civil_servant_id"] for row in valid}
        ).values_list("pk", "civil_servant_id", "kind", "start", "end")
    }
    for row in valid:
        values = row.values
        key = (
            values["civil_servant_id"],
            values["kind"],
            datetime.datetime.fromisoformat(values["start"]),
            datetime.datetime.fromisoformat(values["end"]),
        )
        if key in existing and existing[key] != replaces.get(row.number):
            row.error("start", _("This entry is already in the schedule."))
            row.values = {}
