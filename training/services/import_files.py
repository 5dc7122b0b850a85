"""Read an uploaded CSV or XLSX into rows keyed by column, within fixed limits.

Whatever the file holds, reading ends in rows or in one ValidationError whose
message HR can act on: a file is refused by its size on disk, by the size its
workbook unpacks to and the rows its sheet declares *before* rows are read,
and again by the rows actually met (blank rows included) while reading.
Workbooks are streamed (openpyxl's read-only mode) and only the columns the
import uses are kept, so memory follows the rows kept, never the sheet's size.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 10 * 1024 * 1024
# Data rows a file may hold, blank ones included (a sheet of blank rows is
# still work to read).
MAX_ROWS = 50_000
# What an XLSX may unpack to: a 50,000-row personnel sheet is about 40 MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Header cells looked at: the import's columns are among the first ones.
MAX_COLUMNS = 200
# Files with more rows than this are checked and committed by a Celery task.
BACKGROUND_ROWS = 200


def _mb(size: int) -> int:
    return size // (1024 * 1024)


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


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


def _text(data: bytes) -> str:
    """Decode a CSV: UTF-16 with its BOM, else UTF-8, else Windows-1252, else refuse."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_text(exc) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _not_text(exc) from exc


def _not_text(exc: UnicodeDecodeError) -> ValidationError:
    return ValidationError(
        _(
            "The file is not readable text (byte 0x%(byte)02X at position %(position)s). "
            "Save it from the spreadsheet as “CSV UTF-8”."
        )
        % {"byte": exc.object[exc.start], "position": _n(exc.start)},
        code="encoding",
    )


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _text(data)
    # The header row names the separator: it holds no quoted commas or
    # semicolons, unlike data rows, which fool a guess made from the text.
    header = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((";", ",", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError(
                _(
                    "Row %(row)s cannot be read: a cell is longer than %(max)s characters "
                    "or a quotation mark is not closed."
                )
                % {"row": _n(reader.line_num), "max": _n(csv.field_size_limit())},
                code="unreadable_row",
            ) from exc
        yield [cell.strip() for cell in row]


# A row element's start tag, with or without a namespace prefix (not <rowBreaks>).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,19}:)?row[\s/>]")


class _Workbook:
    """The first sheet of an XLSX, checked for size before any row is read."""

    def __init__(self, data: bytes):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _unreadable() from exc
        if unpacked > MAX_UNPACKED_BYTES:
            raise ValidationError(
                _("The workbook unpacks to %(size)s MB; at most %(max)s MB are allowed.")
                % {"size": _n(-(-unpacked // (1024 * 1024))), "max": _n(_mb(MAX_UNPACKED_BYTES))},
                code="too_big",
            )
        try:
            self.workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self.sheet = self.workbook.worksheets[0]
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same error
            raise _unreadable() from exc
        declared = self.sheet.max_row
        if declared and declared - 1 > MAX_ROWS:
            self.workbook.close()
            raise ValidationError(
                _("The sheet declares %(count)s rows; at most %(max)s are allowed.")
                % {"count": _n(declared - 1), "max": _n(MAX_ROWS)},
                code="too_many_rows",
            )
        # A declared size may also be too small: read the rows that are there.
        self.sheet.reset_dimensions()

    def header(self) -> list[str]:
        return next(self._rows(min_row=1, max_row=1, width=MAX_COLUMNS), [])

    def data_rows(self, width: int) -> Iterator[list[str]]:
        """Yield the rows below the header, each cut to its first ``width`` cells."""
        return self._rows(min_row=2, max_row=None, width=width)

    def count_rows(self, limit: int) -> int:
        """Count the sheet's row elements (blank ones too), up to ``limit``, without parsing.

        openpyxl turns every cell into Python values (ten seconds for 50,000
        rows); finding the ``<row`` tags in the unpacked bytes takes a fraction
        of a second, and expands no entity.
        """
        count, tail = 0, b""
        try:
            with self.sheet._get_source() as source:
                while count <= limit and (chunk := source.read(1 << 20)):
                    # A tag cut by the chunk's end is counted with the next chunk.
                    data = tail + chunk
                    cut = max(0, len(data) - 32)
                    count += sum(1 for tag in _ROW_TAG.finditer(data) if tag.start() < cut)
                    tail = data[cut:]
                count += len(_ROW_TAG.findall(tail))
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise _unreadable() from exc
        return count

    def close(self) -> None:
        self.workbook.close()

    def _rows(self, *, min_row, max_row, width) -> Iterator[list[str]]:
        try:
            for row in self.sheet.iter_rows(
                min_row=min_row, max_row=max_row, max_col=width, values_only=True
            ):
                yield [_cell(value) for value in row]
        except Exception as exc:  # noqa: BLE001 - a broken cell or part mid-sheet
            raise _unreadable() from exc


class _Csv:
    def __init__(self, data: bytes):
        self._rows = _csv_rows(data)

    def header(self) -> list[str]:
        return next(self._rows, [])

    def data_rows(self, width: int) -> Iterator[list[str]]:
        return (row[:width] for row in self._rows)

    def count_rows(self, limit: int) -> int:
        return sum(1 for _row in itertools.islice(self._rows, limit)) + 1  # and the header

    def close(self) -> None:
        self._rows.close()


def _unreadable() -> ValidationError:
    return ValidationError(_("The file is not a readable XLSX workbook."), code="unreadable")


def read_table(
    *, name: str, data: bytes, columns: dict[str, str], required: set[str]
) -> list[tuple[int, dict[str, str]]]:
    """Return ``(row number, {field: text})`` for each non-blank data row.

    ``columns`` maps an Indonesian header to a field; the row number is the
    spreadsheet's (the header is row 1). Raise ValidationError for a file that
    is too big, unreadable, lacks a required column, has too many rows or none.
    """
    source = _open(name, data)
    try:
        return _read(source, columns, required)
    finally:
        source.close()


def count_rows(*, name: str, data: bytes, columns: dict[str, str], required: set[str]) -> int:
    """Return the rows below the header, blank ones included, checking what is cheap to check.

    Size, kind, declared size, header and row count: what an upload can be
    refused for within the request, whatever its size. The rows themselves
    are read by ``read_table``, in the background for a big file.
    """
    source = _open(name, data)
    try:
        header = source.header()
        if not any(header):
            raise ValidationError(_("The file is empty."), code="empty")
        _positions(header, columns, required)
        rows = source.count_rows(MAX_ROWS + 1) - 1
    finally:
        source.close()
    if rows > MAX_ROWS:
        raise _too_many_rows()
    if rows <= 0:
        raise _no_rows()
    return rows


def _open(name: str, data: bytes):
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": _mb(MAX_BYTES)}, code="too_big"
        )
    lower = name.lower()
    if lower.endswith(".csv"):
        return _Csv(data)
    if lower.endswith(".xlsx"):
        return _Workbook(data)
    raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")


def _read(source, columns: dict[str, str], required: set[str]) -> list:
    header = source.header()
    if not any(header):
        raise ValidationError(_("The file is empty."), code="empty")
    positions = _positions(header, columns, required)
    width = max(positions.values()) + 1
    result = []
    for number, row in enumerate(source.data_rows(width), start=2):
        if number - 1 > MAX_ROWS:
            raise _too_many_rows()
        values = {
            field: (row[index] if index < len(row) else "") for field, index in positions.items()
        }
        if any(values.values()):
            result.append((number, values))
    if not result:
        raise _no_rows()
    return result


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _(
            "The file has more than %(max)s rows (blank rows count too). "
            "Delete the empty rows below the data, or split the file."
        )
        % {"max": _n(MAX_ROWS)},
        code="too_many_rows",
    )


def _no_rows() -> ValidationError:
    return ValidationError(
        _("The file has a header but no rows: there is nothing to import."), code="no_rows"
    )


def _positions(header: list[str], columns: dict[str, str], required: set[str]) -> dict[str, int]:
    by_header = {_key(title): field for title, field in columns.items()}
    positions = {}
    for index, title in enumerate(header[:MAX_COLUMNS]):
        field = by_header.get(_key(title))
        if field and field not in positions:
            positions[field] = index
    missing = [
        title for title, field in columns.items() if field in required and field not in positions
    ]
    if missing:
        raise ValidationError(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    return positions
