"""Writing tables for spreadsheet programs: the one place CSV and XLSX cells are made.

Every export (the HR roster, the dashboards' tables) goes through here, so that
they open the same way in LibreOffice and Excel:

- text that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading ``'``;
- a NIP is written as text, grouped 8-6-1-3 (``19820905 200405 2 031``): a bare
  18-digit number is read as a number and loses its last digits (Excel keeps 15,
  LibreOffice shows ``1,98209052004052E+17``);
- CSV is UTF-8 with a BOM, ``;`` between fields and a decimal comma, which an
  Indonesian spreadsheet opens in columns;
- an XLSX table has a bold header row, frozen, with an autofilter.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from districts.nip import format_nip

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def nip_text(digits: str) -> str:
    """Return a NIP as text grouped 8-6-1-3, which no spreadsheet reads as a number."""
    return format_nip(digits or "")


def neutralise(value):
    """Return ``value`` made inert for spreadsheets (text only; numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def neutralise_text(value) -> str:
    """Return ``value`` as text that a spreadsheet shows and never evaluates."""
    return neutralise("" if value is None else str(value))


def decimal_comma(value: Decimal | float, *, trim: bool = True) -> str:
    """Return ``value`` with a decimal comma; ``trim`` drops trailing zeros."""
    text = format(value, "f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") or "0"


def csv_cell(value, *, trim: bool = True) -> str:
    """Return one CSV field: numbers with a decimal comma, dates ISO, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return decimal_comma(value, trim=trim)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise_text(value)


def csv_bytes(rows: Iterable[Sequence], *, trim: bool = True) -> bytes:
    """Return ``rows`` as a UTF-8 CSV with a BOM, separated by ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([csv_cell(value, trim=trim) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cell(value):
    """Return one XLSX cell: numbers as numbers, a NIP and other text as neutralised text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return neutralise(str(value))
    return value


def append_table(sheet: Worksheet, header: Sequence, rows: Iterable[Sequence]) -> int:
    """Append a header row and ``rows`` to ``sheet``; return the header's row number.

    The header is bold, stays in view when scrolling and carries an autofilter
    over the whole table.
    """
    sheet.append([neutralise_text(label) for label in header])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    last_column = get_column_letter(max(len(header), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{sheet.max_row}"
    sheet.freeze_panes = f"A{header_row + 1}"
    return header_row


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
