"""The roster and attendance of a session as CSV or XLSX, safe to open in a spreadsheet."""

import csv
import io
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook

from districts import localtime
from training.models import CompletionRecord, Enrollment, TrainingSession

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Return ``value`` as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def roster_table(session: TrainingSession) -> list[list]:
    """Return the header and one row per enrolment; numbers stay numbers."""
    completions = {
        record.civil_servant_id: record
        for record in CompletionRecord.objects.filter(session=session)
    }
    header = [
        _("No."),
        _("NIP"),
        _("Name"),
        _("Rank / grade"),
        _("Position"),
        _("Work unit"),
        _("Status"),
        _("Score"),
        _("Passed"),
        _("JP credited"),
        _("Certificate number"),
    ]
    rows = [header]
    enrollments = (
        Enrollment.objects.filter(session=session)
        .select_related("civil_servant__work_unit")
        .order_by("civil_servant__name", "pk")
    )
    for number, enrollment in enumerate(enrollments, start=1):
        person = enrollment.civil_servant
        record = completions.get(person.pk)
        rows.append(
            [
                number,
                person.nip,
                person.full_name,
                person.rank_display,
                person.position_title,
                person.work_unit.name,
                enrollment.get_status_display(),
                record.score if record else None,
                (_("Yes") if record.passed else _("No")) if record else "",
                record.jp_credited if record else None,
                record.certificate_number or "" if record else "",
            ]
        )
    return rows


def _csv_cell(value) -> str:
    """Return a cell for the CSV: numbers with a decimal comma, text neutralised."""
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def _xlsx_cell(value):
    """Return a cell for the XLSX: numbers as numbers, text neutralised."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int):
        return value
    return neutralise(value)


def roster_rows(session: TrainingSession) -> list[list[str]]:
    """Return the roster as text cells, as the CSV writes them."""
    return [[_csv_cell(cell) for cell in row] for row in roster_table(session)]


def title_lines(session: TrainingSession) -> list[str]:
    zone = session.district.time_zone
    return [
        session.program.title,
        f"{localtime.format_range(session.start, session.end, zone)} · {session.district.name}",
    ]


def roster_csv(session: TrainingSession) -> bytes:
    """Return the roster as UTF-8 CSV (with BOM, so spreadsheet programs read it right).

    Separated by ";" with decimal commas, like the dashboards' CSVs, so a spreadsheet
    program set to Indonesian opens it in columns.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(roster_rows(session))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def roster_xlsx(session: TrainingSession) -> bytes:
    """Return the roster as an XLSX workbook: numbers as numbers, text neutralised."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    for line in title_lines(session):
        sheet.append([neutralise(line)])
    sheet.append([])
    for row in roster_table(session):
        sheet.append([_xlsx_cell(cell) for cell in row])
    widths = {"A": 5, "B": 20, "C": 32, "D": 22, "E": 30, "F": 30, "G": 18, "K": 24}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
