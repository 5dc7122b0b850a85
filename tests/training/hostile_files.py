"""A corpus of hostile import files, made by code (no binary blobs in the repository).

Each builder returns ``(name, bytes)``. The workbooks are written by hand as
the few XML parts an XLSX needs, so that a test can declare any dimension,
put a cell anywhere and repeat rows cheaply, as a hostile file would.
"""

import csv
import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

PERSONNEL_HEADER = [
    "NIP",
    "Nama",
    "Gelar Depan",
    "Gelar Belakang",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Jenis ASN",
    "Pangkat/Golongan",
    "Jabatan",
    "Jenis Jabatan",
    "Unit Kerja",
    "NIP Atasan",
]
SCHEDULE_HEADER = ["NIP", "Jenis", "Jenis Cuti", "Mulai", "Selesai", "Keterangan"]


def make_nip(n: int, *, birth=datetime.date(1986, 9, 26)) -> str:
    """A valid NIP of a man born on ``birth`` (as tests.factories.make_nip, without Django)."""
    return f"{birth:%Y%m%d}2015051{n % 999 + 1:03d}"


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def cell_xml(column: int, row: int, value: str) -> str:
    ref = f"{get_column_letter(column)}{row}"
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row_xml(row: int, values) -> str:
    cells = "".join(cell_xml(col, row, value) for col, value in enumerate(values, start=1) if value)
    return f'<row r="{row}">{cells}</row>'


def xlsx(rows_xml, *, dimension: str | None = None) -> bytes:
    """Return a workbook whose only sheet holds ``rows_xml`` (strings or an iterable of them)."""
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    return _package(head + "<sheetData>" + "".join(rows_xml) + "</sheetData></worksheet>")


def _package(sheet: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def dimension_bomb() -> tuple[str, bytes]:
    """A few KB that declare the whole sheet (A1:XFD1048576), one cell in the last row."""
    rows = [row_xml(1, PERSONNEL_HEADER), f'<row r="1048576">{cell_xml(16384, 1048576, "x")}</row>']
    return "bom-dimensi.xlsx", xlsx(rows, dimension="A1:XFD1048576")


def hidden_dimension_bomb() -> tuple[str, bytes]:
    """The same cell far away, but the sheet declares no size: only reading shows it."""
    rows = [row_xml(1, PERSONNEL_HEADER), f'<row r="1048576">{cell_xml(16384, 1048576, "x")}</row>']
    return "bom-tanpa-dimensi.xlsx", xlsx(rows)


def empty_rows(count: int = 300_000, *, declared: bool = True) -> tuple[str, bytes]:
    """A header, one real row and ``count`` empty (styled) rows."""
    person = [make_nip(1), "Ani", "", "", "P", "26-09-1986", "PNS", "III/a", "Staf", "", "KEC", ""]
    rows = [row_xml(1, PERSONNEL_HEADER), row_xml(2, person)]
    rows.extend(f'<row r="{n}" ht="15" customHeight="1"/>' for n in range(3, count + 3))
    dimension = f"A1:L{count + 2}" if declared else None
    return "baris-kosong.xlsx", xlsx(rows, dimension=dimension)


def lying_dimension() -> tuple[str, bytes]:
    """Declares one row but holds two data rows: both must be read."""
    rows = [row_xml(1, SCHEDULE_HEADER)]
    for n, day in ((2, 7), (3, 8)):
        rows.append(
            row_xml(
                n, [make_nip(1), "shift dinas", "", f"{day}-12-2026 08.00", f"{day}-12-2026 12.00"]
            )
        )
    return "dimensi-bohong.xlsx", xlsx(rows, dimension="A1:F1")


def entity_bomb() -> tuple[str, bytes]:
    """ "Billion laughs": ten levels of entities, each ten of the one below, in the sheet."""
    levels = ['<!ENTITY lol0 "lol">']
    levels += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [' + "".join(levels) + "]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return "bom-entitas.xlsx", _package(sheet)


def xlsx_header_only() -> tuple[str, bytes]:
    return "hanya-judul.xlsx", xlsx([row_xml(1, PERSONNEL_HEADER)], dimension="A1:L1")


def xlsx_empty() -> tuple[str, bytes]:
    return "kosong.xlsx", xlsx([])


def not_a_workbook() -> tuple[str, bytes]:
    return "bukan-excel.xlsx", b"NIP;Nama\n1;Ani\n"


def truncated_workbook() -> tuple[str, bytes]:
    _name, data = xlsx_header_only()
    return "terpotong.xlsx", data[: len(data) // 2]


def csv_bytes(header, rows, *, encoding="utf-8", delimiter=";") -> bytes:
    """Write rows as a spreadsheet would (quoting a cell that holds a line break)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def byte_0x81() -> tuple[str, bytes]:
    """Neither UTF-8 nor Windows-1252 (0x81 is undefined there)."""
    return "byte-81.csv", csv_bytes(PERSONNEL_HEADER, []) + make_nip(1).encode() + b";Ani\x81;"


def huge_field() -> tuple[str, bytes]:
    """A quoted field longer than the csv module's 131,072-character limit."""
    return "sel-raksasa.csv", csv_bytes(PERSONNEL_HEADER, []) + b'1;"' + b"A" * 140_000 + b'"'


def unclosed_quote() -> tuple[str, bytes]:
    return "kutip.csv", csv_bytes(PERSONNEL_HEADER, []) + b'1;"Ani;L'


def nul_in_note(nip: str, start: datetime.datetime) -> tuple[str, bytes]:
    end = start + datetime.timedelta(hours=4)
    row = [
        nip,
        "shift dinas",
        "",
        f"{start:%d-%m-%Y %H.%M}",
        f"{end:%d-%m-%Y %H.%M}",
        "Piket\x00loket",
    ]
    return "nul.csv", csv_bytes(SCHEDULE_HEADER, [row])


def csv_header_only() -> tuple[str, bytes]:
    return "hanya-judul.csv", csv_bytes(SCHEDULE_HEADER, [])


def csv_empty() -> tuple[str, bytes]:
    return "kosong.csv", b""


def csv_blank_lines() -> tuple[str, bytes]:
    return "baris-kosong.csv", csv_bytes(SCHEDULE_HEADER, []) + b";;;;;\n\n;;;;;\n"


def utf16_schedule(nip: str) -> tuple[str, bytes]:
    """What Excel's "Unicode text" gives: UTF-16 with a BOM, tab-separated."""
    row = [nip, "Cuti", "Cuti Tahunan", "07-12-2026 07.30", "07-12-2026 16.00", "Cuti ke Médan"]
    return "unicode.csv", csv_bytes(SCHEDULE_HEADER, [row], encoding="utf-16", delimiter="\t")


def chain(length: int, *, first_boss: str = "", close_cycle: bool = False):
    """Personnel rows where each person reports to the one before (a reporting line).

    With ``close_cycle`` the first person reports to the last: one cycle through all.
    """
    birth = datetime.date(1980, 1, 1)
    nips = [
        make_nip(n % 990, birth=birth + datetime.timedelta(days=n // 990)) for n in range(length)
    ]
    rows = []
    for index, nip in enumerate(nips):
        boss = nips[index - 1] if index else (nips[-1] if close_cycle else first_boss)
        born = (birth + datetime.timedelta(days=index // 990)).strftime("%d-%m-%Y")
        rows.append(
            [nip, f"Pegawai {index}", "", "", "L", born, "PNS", "III/a", "Staf", "", "KEC", boss]
        )
    return nips, rows
