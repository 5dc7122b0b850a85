"""The roster and attendance of a session as CSV or XLSX, safe to open in a spreadsheet."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from districts import localtime
from training.models import CompletionRecord, Enrollment, TrainingSession
from training.services import spreadsheets
from training.services.spreadsheets import csv_cell, nip_text
from training.services.spreadsheets import neutralise_text as neutralise


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
                nip_text(person.nip),
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


def roster_rows(session: TrainingSession) -> list[list[str]]:
    """Return the roster as text cells, as the CSV writes them."""
    return [[csv_cell(cell, trim=False) for cell in row] for row in roster_table(session)]


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
    return spreadsheets.csv_bytes(roster_table(session), trim=False)


def roster_xlsx(session: TrainingSession) -> bytes:
    """Return the roster as an XLSX workbook: numbers as numbers, text neutralised.

    Two title lines, a blank row, then the table with a frozen, filterable header.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    for line in title_lines(session):
        sheet.append([neutralise(line)])
    sheet.append([])
    header, *rows = roster_table(session)
    spreadsheets.append_table(sheet, header, rows)
    widths = {"A": 5, "B": 20, "C": 32, "D": 22, "E": 30, "F": 30, "G": 18, "K": 24}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    return spreadsheets.workbook_bytes(workbook)
