"""What HR needs to fill an import file: the empty template, and the values each column takes."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from districts.models import CivilServant, ScheduleEntry, WorkUnit
from districts.ranks import PNS_RANK_CODES, PPPK_GRADES
from training.services import spreadsheets
from training.services.imports import (
    PERSONNEL_COLUMNS,
    PERSONNEL_REQUIRED,
    SCHEDULE_COLUMNS,
    SCHEDULE_REQUIRED,
)

KINDS = {
    "personnel": (PERSONNEL_COLUMNS, PERSONNEL_REQUIRED),
    "schedule": (SCHEDULE_COLUMNS, SCHEDULE_REQUIRED),
}
FORMATS = ("csv", "xlsx")


def template_file(kind: str, fmt: str) -> tuple[bytes, str]:
    """Return an empty import file (its header row) and its content type."""
    headers = list(KINDS[kind][0])
    if fmt == "csv":
        # Semicolons: what a spreadsheet with Indonesian settings writes and reads.
        return spreadsheets.csv_bytes([headers]), spreadsheets.CSV_TYPE
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    spreadsheets.append_table(sheet, headers, [])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(header) + 4)
    return spreadsheets.workbook_bytes(book), spreadsheets.XLSX_TYPE


def allowed_values(districts) -> dict:
    """Return, per import kind, ``(column, required, what it takes)`` for the upload page."""
    leave = ", ".join(value.replace("_", " ") for value in ScheduleEntry.LeaveType.values)
    position_types = ", ".join(CivilServant.PositionType.values)
    personnel = {
        "NIP": _("18 digits; spaces allowed"),
        "Jenis Kelamin": "L, P",
        "Tanggal Lahir": _("DD-MM-YYYY"),
        "Jenis ASN": "PNS, PPPK",
        "Pangkat/Golongan": _("PNS: %(pns)s; PPPK: %(pppk)s")
        % {"pns": ", ".join(PNS_RANK_CODES), "pppk": ", ".join(PPPK_GRADES)},
        "Jenis Jabatan": position_types,
        "Unit Kerja": _("the unit's code (listed below)"),
        "NIP Atasan": _("the supervisor's NIP, in the file or already in the portal"),
    }
    schedule = {
        "NIP": _("18 digits, of an active civil servant of the district"),
        "Jenis": "shift dinas, cuti, dinas luar, lainnya",
        "Jenis Cuti": _("for cuti: %(types)s (PPPK: tahunan, sakit, melahirkan, bersama)")
        % {"types": leave},
        "Mulai": _("DD-MM-YYYY HH.MM, in the district's zone"),
        "Selesai": _("DD-MM-YYYY HH.MM, after the start"),
    }

    def rows(columns, required, notes):
        return [
            (header, field in required, notes.get(header, "")) for header, field in columns.items()
        ]

    return {
        "personnel": rows(PERSONNEL_COLUMNS, PERSONNEL_REQUIRED, personnel),
        "schedule": rows(SCHEDULE_COLUMNS, SCHEDULE_REQUIRED, schedule),
        "units": WorkUnit.objects.filter(district__in=districts)
        .select_related("district")
        .order_by("district__name", "code"),
    }
