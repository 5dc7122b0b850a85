"""CSV and XLSX exports of the dashboard's tables, with formula cells neutralised.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula; names and titles come from users, so such text gets a leading ``'``.
CSV is written for Indonesian spreadsheets: UTF-8 with a BOM, ``;`` between
fields and a decimal comma.
"""

import re

from django.http import HttpResponse
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from training.services import spreadsheets
from training.services.dashboards.tables import Table
from training.services.spreadsheets import CSV_TYPE, XLSX_TYPE, neutralise

NUMBER_FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": '0.0" %"',
    "money": '"Rp "#,##0',
    "date": "dd-mm-yyyy",
}

__all__ = ["csv_response", "neutralise", "xlsx_response"]


def filename(table: Table, year: int, extension: str) -> str:
    return f"dasbor-{table.key}-{year}.{extension}"


def csv_response(table: Table, *, year: int) -> HttpResponse:
    header = [capfirst(str(column.label)) for column in table.columns]
    response = HttpResponse(
        spreadsheets.csv_bytes([header, *table.export_rows()]), content_type=CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(table, year, "csv")}"'
    return response


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def xlsx_response(table: Table, *, year: int, about: list[tuple[str, str]]) -> HttpResponse:
    """Return the table as a workbook: the table sheet, then an "Info" sheet of filters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(table.title))
    header = [capfirst(str(column.label)) for column in table.columns]
    spreadsheets.append_table(sheet, header, table.export_rows())
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 14 if column.numeric else 30
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    info = workbook.create_sheet("Info")
    for label, value in about:
        info.append([neutralise(str(label)), neutralise(str(value))])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 50
    response = HttpResponse(spreadsheets.workbook_bytes(workbook), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, year, "xlsx")}"'
    return response
