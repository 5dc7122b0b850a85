"""CSV and XLSX exports of the dashboard's tables, with formula cells neutralised.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula; names and titles come from users, so such text gets a leading ``'``.
CSV is written for Indonesian spreadsheets: UTF-8 with a BOM, ``;`` between
fields and a decimal comma.
"""

import re

from django.http import HttpResponse
from django.utils.text import capfirst

from training.services import spreadsheets, xlsx_writer
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
    """Return the table as a workbook: the table sheet, then an "Info" sheet of filters.

    Written as text by :mod:`training.services.xlsx_writer` (openpyxl took 12 s for
    the administrator's list of everyone behind target at province scale).
    """
    content = xlsx_writer.table_workbook(
        _sheet_title(str(table.title)),
        [capfirst(str(column.label)) for column in table.columns],
        table.export_rows(),
        number_formats=[NUMBER_FORMATS.get(column.kind) for column in table.columns],
        widths=[14 if column.numeric else 30 for column in table.columns],
        about=[(str(label), str(value)) for label, value in about],
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, year, "xlsx")}"'
    return response
