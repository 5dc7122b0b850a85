"""Large tables as XLSX through XlsxWriter (the dashboard's exports).

openpyxl spends about 90 µs a cell serialising through its XML tree (write-only
mode included): the administrator's list of everyone behind target, 37,540
rows of 10 cells at province scale, took 12 s. XlsxWriter in its
``constant_memory`` mode writes each row as it comes, several times faster,
with memory flat in the number of rows. The workbook is the one openpyxl made:
a table sheet with a bold, frozen header row, an autofilter, column widths and
number formats, then an "Info" sheet.

Values are written as in :func:`training.services.spreadsheets.xlsx_cell`:
numbers as numbers, dates with the column's format, text neutralised and always
as text (XlsxWriter never turns it into a formula, number or link); characters
XML cannot hold are dropped.
"""

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter

from .spreadsheets import neutralise, neutralise_text

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def table_workbook(  # noqa: PLR0913 - a sheet's whole description
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    number_formats: Sequence[str | None],
    widths: Sequence[float],
    about: Sequence[tuple[str, str]],
) -> bytes:
    """Return the bytes of a workbook: the table sheet ``title``, then "Info" (``about``)."""
    buffer = io.BytesIO()
    # constant_memory writes rows to temporary files as they come, so rows must
    # go in order; in_memory=False lets it use those files (the default).
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    formats = [
        workbook.add_format({"num_format": code}) if code else None for code in number_formats
    ]
    # A sheet name may not hold []:*?/\ nor pass 31 characters.
    sheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet")
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    for column, label in enumerate(header):
        sheet.write_string(0, column, _text(neutralise_text(label)), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write(sheet, count, column, value, formats[column] if column < len(formats) else None)
    sheet.autofilter(0, 0, count, max(len(header), 1) - 1)

    info = workbook.add_worksheet("Info")
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 50)
    for number, (label, value) in enumerate(about):
        _write(info, number, 0, str(label), None)
        _write(info, number, 1, str(value), None)
    workbook.close()
    return buffer.getvalue()


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _write(sheet, row: int, column: int, value, cell_format) -> None:
    """Write one cell by its type (an empty value leaves the cell empty)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value), cell_format)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), cell_format)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, cell_format)
    else:
        sheet.write_string(row, column, _text(neutralise(str(value))), cell_format)
