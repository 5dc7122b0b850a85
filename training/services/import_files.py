"""Read an uploaded CSV or XLSX into rows keyed by column, with limits."""

import csv
import datetime
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Files with more rows than this are checked and committed by a Celery task.
BACKGROUND_ROWS = 200


def _key(header) -> str:
    return re.sub(r"\s+", " ", str(header or "")).strip().casefold()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same error
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(
    *, name: str, data: bytes, columns: dict[str, str], required: set[str]
) -> list[tuple[int, dict[str, str]]]:
    """Return ``(row number, {field: text})`` for each non-empty data row.

    ``columns`` maps an Indonesian header to a field; the row number is the
    spreadsheet's (the header is row 1). Raise ValidationError for a file that
    is too big, has too many rows, or lacks a required column.
    """
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    lower = name.lower()
    if lower.endswith(".csv"):
        rows = _csv_rows(data)
    elif lower.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    if not rows:
        raise ValidationError(_("The file is empty."))
    by_header = {_key(header): field for header, field in columns.items()}
    positions = {}
    for index, header in enumerate(rows[0]):
        field = by_header.get(_key(header))
        if field and field not in positions:
            positions[field] = index
    missing = [h for h, field in columns.items() if field in required and field not in positions]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            field: (row[index] if index < len(row) else "") for field, index in positions.items()
        }
        if any(values.values()):
            result.append((number, values))
    if len(result) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)d rows; at most %(max)d are allowed.")
            % {"count": len(result), "max": MAX_ROWS}
        )
    return result
