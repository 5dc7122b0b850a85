"""Every CSV and XLSX export opens right in a spreadsheet: NIPs keep their 18 digits.

The round trip goes through LibreOffice itself (``soffice --headless``, installed
by ``.ci/run``): each CSV is opened as an Indonesian spreadsheet would open it
(``;``, UTF-8, locale id-ID) and saved as XLSX; each XLSX is opened and saved as
CSV. What comes back must hold every NIP with its digits, as text.
"""

import csv
import io
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    SessionFactory,
    district,
)
from training.hr.import_help import FORMATS as IMPORT_FORMATS
from training.services.spreadsheets import csv_bytes, nip_text

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
DASHBOARD_TABLES = ("attainment", "districts", "units", "programs", "upcoming", "budget", "behind")
# LibreOffice's import filter options: ";" separator, '"' quotes, UTF-8 (76), from
# line 1, standard column types, language Indonesian (LCID 1057).
CSV_IN = "CSV:59,34,76,1,,1057"
CSV_OUT = "csv:Text - txt - csv (StarCalc):59,34,76,1"


def soffice_convert(paths: list[Path], target: str, outdir: Path, infilter: str | None = None):
    """Convert ``paths`` with LibreOffice, in a profile of its own."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = outdir.parent / "lo-profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, paths),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


def _people(session):
    people = [
        CivilServantFactory(district=session.district, name=name)
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi")
    ]
    for person in people:
        EnrollmentFactory(session=session, civil_servant=person)
    CompletionRecordFactory(
        civil_servant=people[0],
        program=session.program,
        session=session,
        score=Decimal("87.50"),
        jp_credited=8,
    )
    return people


def _downloads(client, session) -> dict[str, bytes]:
    files = {}
    for fmt in ("csv", "xlsx"):
        url = reverse("training:hr-roster-export", args=[session.pk, fmt])
        files[f"roster.{fmt}"] = client.get(url).content
        for key in DASHBOARD_TABLES:
            response = client.get(reverse("training:dashboard-export", args=[key, fmt]))
            assert response.status_code == 200, (key, fmt)
            files[f"dashboard-{key}.{fmt}"] = response.content
    for kind in ("personnel", "schedule"):
        for fmt in IMPORT_FORMATS:
            response = client.get(reverse("training:hr-import-template", args=[kind, fmt]))
            assert response.status_code == 200, (kind, fmt)
            files[f"template-{kind}.{fmt}"] = response.content
    return files


def _xlsx_cells(path: Path) -> list:
    workbook = load_workbook(path)
    return [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]


def _csv_cells(path: Path) -> list:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def _digits(cell) -> str:
    return re.sub(r"\s", "", str(cell))


def test_every_export_keeps_nips_through_libreoffice(hr_client, tmp_path):
    session = SessionFactory(district=district("mulyorejo"))
    people = _people(session)
    files = _downloads(hr_client, session)
    sources = tmp_path / "in"
    sources.mkdir()
    for name, content in files.items():
        (sources / name).write_bytes(content)
    # The control: a bare 18-digit NIP, as the roster used to write it, must lose
    # its digits in the same round trip, or this test could not fail.
    (sources / "control-bare.csv").write_bytes(csv_bytes([["NIP"]]) + people[0].nip.encode())
    csv_files = sorted(sources.glob("*.csv"))
    xlsx_files = sorted(sources.glob("*.xlsx"))

    soffice_convert(csv_files, "xlsx", tmp_path / "from-csv", infilter=CSV_IN)
    soffice_convert(xlsx_files, CSV_OUT, tmp_path / "from-xlsx")

    opened = {}
    for path in csv_files:
        converted = tmp_path / "from-csv" / f"{path.stem}.xlsx"
        assert converted.exists(), path.name
        opened[path.name] = _xlsx_cells(converted)
    for path in xlsx_files:
        converted = tmp_path / "from-xlsx" / f"{path.stem}.csv"
        assert converted.exists(), path.name
        opened[path.name] = _csv_cells(converted)

    control = opened.pop("control-bare.csv")
    assert people[0].nip not in [_digits(cell) for cell in control]
    nips = {person.nip for person in people}
    for name, cells in opened.items():
        # No cell anywhere came back as a number in scientific notation.
        assert not [cell for cell in cells if re.fullmatch(r"[\d.,]+E\+\d+", str(cell))], name
        found = {_digits(cell) for cell in cells if isinstance(cell, str)} & nips
        if name.startswith("roster.") or name.startswith("dashboard-behind."):
            assert found == nips, name
    for fmt in ("csv", "xlsx"):
        # The roster's NIPs come back grouped, exactly as written.
        assert nip_text(people[1].nip) in opened[f"roster.{fmt}"], fmt


def test_xlsx_exports_have_a_frozen_filterable_header(hr_client):
    session = SessionFactory(district=district("mulyorejo"))
    _people(session)

    roster = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "xlsx"]))
    behind = hr_client.get(reverse("training:dashboard-export", args=["behind", "xlsx"]))
    template = hr_client.get(reverse("training:hr-import-template", args=["personnel", "xlsx"]))

    sheet = load_workbook(io.BytesIO(roster.content)).active
    # Two title lines and a blank row, then the header on row 4 and three people.
    assert [cell.value for cell in sheet[4]][:2] == ["No.", "NIP"]
    assert sheet[4][0].font.bold
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:K7"
    assert isinstance(sheet["B5"].value, str)
    sheet = load_workbook(io.BytesIO(behind.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.auto_filter.ref.endswith(str(sheet.max_row))
    assert sheet.max_row >= 4
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")


def test_roster_csv_writes_nips_grouped_as_text(hr_client):
    session = SessionFactory(district=district("mulyorejo"))
    people = _people(session)

    response = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    nips = [row[1] for row in rows[1:]]
    assert sorted(nips) == sorted(nip_text(person.nip) for person in people)
    assert all(re.fullmatch(r"\d{8} \d{6} \d \d{3}", nip) for nip in nips)


def test_large_table_workbook_reads_back_as_openpyxl_wrote_it():
    import datetime
    from decimal import Decimal

    from training.services import xlsx_writer

    content = xlsx_writer.table_workbook(
        "Pegawai: di bawah target",
        ["Nama", "JP", "Biaya", "Terakhir"],
        [
            ["=Cahya+1", 10, Decimal("1500.5"), datetime.date(2026, 4, 4)],
            ["A & <B>\x07", None, 2.5, None],
        ],
        number_formats=[None, "#,##0", '"Rp "#,##0', "dd-mm-yyyy"],
        widths=[30, 14, 14, 14],
        about=[("Peran", "HR"), ("Catatan", "@SUM(A1)")],
    )

    workbook = load_workbook(io.BytesIO(content))
    sheet, info = workbook.worksheets
    assert sheet.title == "Pegawai  di bawah target"  # no ":" in a sheet's name
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Nama", "JP", "Biaya", "Terakhir"],
        ["'=Cahya+1", 10, 1500.5, datetime.datetime(2026, 4, 4)],
        ["A & <B>", None, 2.5, None],
    ]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert (sheet["B2"].number_format, sheet["C2"].number_format) == ("#,##0", '"Rp "#,##0')
    assert sheet["D2"].number_format == "dd-mm-yyyy"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    # XlsxWriter stores the width as Excel does: 30 characters shown, plus its padding.
    assert 30 <= sheet.column_dimensions["A"].width < 31
    assert [[cell.value for cell in row] for row in info.iter_rows()] == [
        ["Peran", "HR"],
        ["Catatan", "'@SUM(A1)"],
    ]
