"""CSV and XLSX exports of the dashboard's tables, with formula cells neutralised.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula; names and titles come from users, so such text gets a leading ``'``.
CSV is written for Indonesian spreadsheets: UTF-8 with a BOM, ``;`` between
fields and a decimal comma.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from training.services.dashboards.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": '0.0" %"',
    "money": '"Rp "#,##0',
    "date": "dd-mm-yyyy",
}


def neutralise(value):
    """Return ``value`` made inert for spreadsheets (text only; numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return format(value, "f").rstrip("0").rstrip(".").replace(".", ",") or "0"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(neutralise(str(value)))


def filename(table: Table, year: int, extension: str) -> str:
    return f"dasbor-{table.key}-{year}.{extension}"


def csv_response(table: Table, *, year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(table, year, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([neutralise(capfirst(str(column.label))) for column in table.columns])
    for row in table.export_rows():
        writer.writerow([_csv_value(value) for value in row])
    return response


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return neutralise(value)


def xlsx_response(table: Table, *, year: int, about: list[tuple[str, str]]) -> HttpResponse:
    """Return the table as a workbook: the table sheet, then an "Info" sheet of filters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(table.title))
    sheet.append([neutralise(capfirst(str(column.label))) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.export_rows():
        sheet.append([_xlsx_value(value) for value in row])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 14 if column.numeric else 30
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    info = workbook.create_sheet("Info")
    for label, value in about:
        info.append([neutralise(str(label)), neutralise(str(value))])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, year, "xlsx")}"'
    return response
