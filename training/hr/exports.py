"""The roster and attendance of a session as CSV or XLSX, safe to open in a spreadsheet."""

import csv
import io

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


def roster_rows(session: TrainingSession) -> list[list[str]]:
    """Return the header and one row per enrolment (neutralised text)."""
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
                str(number),
                person.nip,
                person.full_name,
                person.rank_display,
                person.position_title,
                person.work_unit.name,
                enrollment.get_status_display(),
                formats.number_format(record.score, 2)
                if record and record.score is not None
                else "",
                (_("Yes") if record.passed else _("No")) if record else "",
                str(record.jp_credited) if record else "",
                record.certificate_number or "" if record else "",
            ]
        )
    return [[neutralise(cell) for cell in row] for row in rows]


def title_lines(session: TrainingSession) -> list[str]:
    zone = session.district.time_zone
    return [
        session.program.title,
        f"{localtime.format_range(session.start, session.end, zone)} · {session.district.name}",
    ]


def roster_csv(session: TrainingSession) -> bytes:
    """Return the roster as UTF-8 CSV (with BOM, so spreadsheet programs read it right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(roster_rows(session))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def roster_xlsx(session: TrainingSession) -> bytes:
    """Return the roster as an XLSX workbook; every cell is text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    for line in title_lines(session):
        sheet.append([neutralise(line)])
    sheet.append([])
    for row in roster_rows(session):
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"
    widths = {"A": 5, "B": 20, "C": 32, "D": 22, "E": 30, "F": 30, "G": 18, "K": 24}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
