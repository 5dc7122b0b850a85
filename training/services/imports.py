"""Check imported personnel and schedule rows: a preview of what would change, row by row.

Each preview row is plain JSON: ``{"row", "action", "nip", "name", "errors", "values"}``
with ``action`` one of ``create``, ``update`` or ``reject`` and each error naming
its column. Committing (``import_jobs``) writes the accepted ``values`` as previewed.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from districts.models import CivilServant, District, ScheduleEntry, WorkUnit
from districts.nip import normalize_nip, parse_nip
from districts.ranks import ranks_for

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
POSITION_TYPES = {
    **{value: value for value in CivilServant.PositionType.values},
    "jpt utama": "jpt_utama",
    "jpt madya": "jpt_madya",
    "jpt pratama": "jpt_pratama",
}
SCHEDULE_KINDS = {
    **{value: value for value in ScheduleEntry.Kind.values},
    "shift dinas": "duty_shift",
    "shift": "duty_shift",
    "piket": "duty_shift",
    "cuti": "leave",
    "dinas luar": "official_travel",
    "perjalanan dinas": "official_travel",
    "lainnya": "other",
}
LEAVE_TYPES = {
    **{value: value for value in ScheduleEntry.LeaveType.values},
    "alasan penting": "alasan_penting",
    "di luar tanggungan negara": "cltn",
}
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

    def error(self, field: str, message: str) -> None:
        self.errors.append({"column": _header(self.columns, field), "message": str(message)})

    def as_json(self, action: str) -> dict:
        return {
            "row": self.number,
            "action": "reject" if self.errors else action,
            "nip": self.values.get("nip") or normalize_nip(self.raw.get("nip", "")),
            "name": self.raw.get("name", ""),
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
                row.error("nip", _("The NIP is also in row %(row)d.") % {"row": first_row_of[nip]})
            else:
                first_row_of[nip] = number
            if nip in existing and existing[nip][1] != district.pk:
                row.error("nip", _("This NIP belongs to a civil servant of another district."))
            elif nip not in existing and nip in taken_logins:
                row.error("nip", _("A login with this NIP already exists."))
        rows.append(row)
        if progress and index % 100 == 0:
            progress(index)
    _check_supervisors(district, rows)
    result = [
        row.as_json("update" if row.values.get("nip") in existing else "create") for row in rows
    ]
    return {"rows": result, "counts": _counts(result)}


def _check_person(row: _Row, raw: dict, units: dict) -> None:
    values = row.values
    for field in ("name", "position_title"):
        if not raw.get(field):
            row.error(field, _("This column is required."))
        values[field] = raw.get(field, "")[:150]
    values["front_title"] = raw.get("front_title", "")[:30]
    values["back_title"] = raw.get("back_title", "")[:50]
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
            _("“%(value)s” is not a date (DD-MM-YYYY).") % {"value": raw.get("birth_date", "")},
        )
    rank = _rank(raw.get("rank", ""))
    if asn_type and rank not in ranks_for(asn_type):
        row.error(
            "rank",
            _("“%(value)s” is not a rank for %(type)s.")
            % {"value": raw.get("rank", ""), "type": asn_type},
        )
    position_type = POSITION_TYPES.get((raw.get("position_type") or "pelaksana").strip().casefold())
    if position_type is None:
        row.error("position_type", _("Unknown position type."))
    unit_id = units.get(raw.get("work_unit", "").strip().casefold())
    if unit_id is None:
        row.error(
            "work_unit",
            _("Unknown work unit “%(value)s” in this district.")
            % {"value": raw.get("work_unit", "")},
        )
    email = raw.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.error("email", _("Not a valid email address."))
    try:
        nip = parse_nip(
            raw.get("nip", ""),
            asn_type=asn_type or "PNS",
            gender=gender,
            birth_date=born.date() if born else None,
        ).digits
    except ValidationError as exc:
        for message in exc.messages:
            row.error("nip", message)
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
    """Reject unknown supervisors and reporting lines that would form a cycle."""
    known = dict(
        CivilServant.objects.filter(district=district, is_active=True).values_list(
            "nip", "supervisor__nip"
        )
    )
    changed = True
    while changed:
        changed = False
        line = dict(known)
        valid = {row.values["nip"]: row for row in rows if not row.errors}
        for nip, row in valid.items():
            line[nip] = row.values["supervisor_nip"] or None
        for nip, row in valid.items():
            boss = row.values["supervisor_nip"]
            if not boss:
                continue
            message = None
            if boss == nip:
                message = _("A person cannot supervise themself.")
            elif boss not in line:
                message = _(
                    "No civil servant of this district (nor a valid row) has NIP %(nip)s."
                ) % {"nip": boss}
            else:
                seen, current = set(), boss
                while current and current not in seen:
                    if current == nip:
                        message = _(
                            "This supervisor reports (directly or not) to this person: "
                            "the reporting line would form a cycle."
                        )
                        break
                    seen.add(current)
                    current = line.get(current)
            if message:
                row.error("supervisor", message)
                changed = True


def preview_schedule(*, district: District, table: list[tuple[int, dict]], progress=None) -> dict:
    """Return ``{"rows": [...], "counts": {...}}`` for a schedule file of ``district``."""
    nips = [normalize_nip(raw.get("nip", "")) for _, raw in table]
    people = {
        nip: (pk, asn_type, name)
        for nip, pk, asn_type, name in CivilServant.objects.filter(
            district=district, nip__in=nips, is_active=True
        ).values_list("nip", "pk", "asn_type", "name")
    }
    zone = district.tzinfo
    rows, seen = [], {}
    for index, (number, raw) in enumerate(table, start=1):
        row = _Row(number, raw, SCHEDULE_COLUMNS)
        nip = normalize_nip(raw.get("nip", ""))
        if nip not in people:
            row.error(
                "nip", _("No active civil servant of this district has NIP %(nip)s.") % {"nip": nip}
            )
        kind = SCHEDULE_KINDS.get(raw.get("kind", "").strip().casefold())
        if kind is None:
            row.error("kind", _("Use shift dinas, cuti, dinas luar or lainnya."))
        leave_type = ""
        if kind == "leave":
            leave_type = LEAVE_TYPES.get(raw.get("leave_type", "").strip().casefold())
            if leave_type is None:
                row.error("leave_type", _("Give the type of leave (e.g. tahunan, sakit)."))
            elif (
                nip in people
                and people[nip][1] == "PPPK"
                and leave_type not in ScheduleEntry.PPPK_LEAVE_TYPES
            ):
                row.error("leave_type", _("This leave type is not available to PPPK."))
        start = _parse(raw.get("start", ""), DATETIME_FORMATS)
        end = _parse(raw.get("end", ""), DATETIME_FORMATS)
        for field, value in (("start", start), ("end", end)):
            if value is None:
                row.error(
                    field,
                    _("“%(value)s” is not a date and time (DD-MM-YYYY HH.MM).")
                    % {"value": raw.get(field, "")},
                )
        if start and end and end <= start:
            row.error("end", _("The end must be after the start."))
        key = (nip, kind, start, end)
        if not row.errors and key in seen:
            row.error("start", _("The same entry is also in row %(row)d.") % {"row": seen[key]})
        seen.setdefault(key, number)
        if not row.errors:
            row.values = {
                "nip": nip,
                "civil_servant_id": people[nip][0],
                "kind": kind,
                "leave_type": leave_type or "",
                "start": start.replace(tzinfo=zone).isoformat(),
                "end": end.replace(tzinfo=zone).isoformat(),
                "note": raw.get("note", "")[:255],
            }
        rows.append(row)
        if progress and index % 100 == 0:
            progress(index)
    _reject_existing_entries(rows)
    result = [row.as_json("create") for row in rows]
    for item in result:  # a roster names people by NIP only: show whose row it is
        item["name"] = people[item["nip"]][2] if item["nip"] in people else ""
    return {"rows": result, "counts": _counts(result)}


def _reject_existing_entries(rows: list[_Row]) -> None:
    valid = [row for row in rows if not row.errors]
    if not valid:
        return
    existing = set(
        ScheduleEntry.objects.filter(
            civil_servant_id__in={row.values["civil_servant_id"] for row in valid}
        ).values_list("civil_servant_id", "kind", "start", "end")
    )
    for row in valid:
        values = row.values
        key = (
            values["civil_servant_id"],
            values["kind"],
            datetime.datetime.fromisoformat(values["start"]),
            datetime.datetime.fromisoformat(values["end"]),
        )
        if key in existing:
            row.error("start", _("This entry is already in the schedule."))
            row.values = {}
