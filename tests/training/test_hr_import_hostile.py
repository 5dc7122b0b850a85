"""The hostile-files corpus: every file ends in a clear Indonesian error or a bounded import.

No file answers 500, and no job is left half-way: a file refused by its shape
leaves no job at all, a file read row by row ends "previewed" with each bad
row named.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from districts.models import ScheduleEntry
from tests.factories import CivilServantFactory, WorkUnitFactory, district, make_nip
from tests.training import hostile_files as hostile
from training.models import ImportJob
from training.services import import_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return WorkUnitFactory(code="KEC", name="Kantor Kecamatan Mulyorejo")


def in_site_language(errors):
    """Return the errors as read in Indonesian (each also keeps its other languages)."""
    return [{"column": e["column"], "message": e["message"]} for e in errors]


def upload(client, name, content, kind="personnel"):
    return client.post(
        reverse("training:hr-imports"),
        {
            "district": district("mulyorejo").pk,
            "kind": kind,
            "file": SimpleUploadedFile(name, content),
        },
    )


REFUSED = {
    "dimension_bomb": (
        hostile.dimension_bomb,
        "Lembar kerja menyatakan 1.048.575 baris; paling banyak 50.000 baris.",
    ),
    "dimension_bomb_undeclared": (
        hostile.hidden_dimension_bomb,
        "Berkas berisi lebih dari 50.000 baris (baris kosong ikut dihitung). "
        "Hapus baris kosong di bawah data, atau bagi berkasnya.",
    ),
    "300k_empty_rows": (
        hostile.empty_rows,
        "Lembar kerja menyatakan 300.001 baris; paling banyak 50.000 baris.",
    ),
    "300k_empty_rows_undeclared": (
        lambda: hostile.empty_rows(declared=False),
        "Berkas berisi lebih dari 50.000 baris (baris kosong ikut dihitung). "
        "Hapus baris kosong di bawah data, atau bagi berkasnya.",
    ),
    "xlsx_header_only": (
        hostile.xlsx_header_only,
        "Berkas hanya berisi baris judul: tidak ada yang diimpor.",
    ),
    "xlsx_empty": (hostile.xlsx_empty, "Berkas kosong."),
    "not_a_workbook": (hostile.not_a_workbook, "Berkas bukan buku kerja XLSX yang dapat dibaca."),
    "entity_bomb": (hostile.entity_bomb, "Berkas bukan buku kerja XLSX yang dapat dibaca."),
    "truncated_workbook": (
        hostile.truncated_workbook,
        "Berkas bukan buku kerja XLSX yang dapat dibaca.",
    ),
    "byte_0x81": (
        hostile.byte_0x81,
        "Berkas bukan teks yang dapat dibaca (bita 0x81 di posisi 157). "
        "Simpan dari aplikasi lembar kerja sebagai “CSV UTF-8”.",
    ),
    "field_over_131072": (
        hostile.huge_field,
        "Baris 2 tidak dapat dibaca: ada sel yang lebih panjang dari 131.072 karakter "
        "atau tanda kutip yang tidak ditutup.",
    ),
    "csv_header_only": (
        hostile.csv_header_only,
        "Berkas hanya berisi baris judul: tidak ada yang diimpor.",
    ),
    "csv_blank_lines": (
        hostile.csv_blank_lines,
        "Berkas hanya berisi baris judul: tidak ada yang diimpor.",
    ),
}


@pytest.mark.parametrize("builder, message", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_file_is_refused_at_the_file_field(hr_client, unit, builder, message):
    name, content = builder()

    kind = (
        "schedule" if builder in (hostile.csv_header_only, hostile.csv_blank_lines) else "personnel"
    )
    response = upload(hr_client, name, content, kind=kind)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert not ImportJob.objects.exists()


def test_empty_csv_is_refused_at_the_file_field(hr_client, unit):
    response = upload(hr_client, *hostile.csv_empty())

    # Django's own check of an empty upload answers first.
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Berkas yang dikirimkan kosong."]


def test_unclosed_quote_ends_in_a_rejected_row(hr_client, unit):
    response = upload(hr_client, *hostile.unclosed_quote())

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.preview["counts"]) == (
        "previewed",
        {"create": 0, "update": 0, "reject": 1},
    )


def test_workbook_unpacking_beyond_the_limit_is_refused_before_reading(
    hr_client, unit, monkeypatch
):
    monkeypatch.setattr(import_files, "MAX_UNPACKED_BYTES", 1024 * 1024)
    name, content = hostile.empty_rows(30_000, declared=False)

    response = upload(hr_client, name, content)

    assert response.context["form"].errors["file"] == [
        "Isi buku kerja berukuran 2 MB setelah dibuka; paling banyak 1 MB."
    ]


def test_declared_size_refuses_before_any_row_is_read(monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("rows were read")

    monkeypatch.setattr(import_files._Workbook, "_rows", no_reading)
    name, content = hostile.dimension_bomb()

    with pytest.raises(import_files.ValidationError, match="1.048.575"):
        import_files.read_table(name=name, data=content, columns={"NIP": "nip"}, required={"nip"})


def test_a_dimension_that_declares_too_few_rows_does_not_hide_rows(hr_client, unit):
    CivilServantFactory(nip=make_nip(1), work_unit=unit)

    upload(hr_client, *hostile.lying_dimension(), kind="schedule")

    job = ImportJob.objects.get()
    assert (job.status, job.preview["counts"]) == (
        "previewed",
        {"create": 2, "update": 0, "reject": 0},
    )


def test_nul_in_a_note_is_a_row_error_and_the_job_ends(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)

    upload(
        hr_client, *hostile.nul_in_note(person.nip, datetime.datetime(2026, 12, 7, 8)), "schedule"
    )

    job = ImportJob.objects.get()
    assert job.status == "previewed"
    assert in_site_language(job.preview["rows"][0]["errors"]) == [
        {
            "column": "Keterangan",
            "message": "Gunakan satu baris tanpa karakter kendali (seperti ganti baris atau tab).",
        }
    ]
    assert not ScheduleEntry.objects.exists()


def test_utf16_file_with_portal_labels_is_read(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)

    upload(hr_client, *hostile.utf16_schedule(person.nip), kind="schedule")

    job = ImportJob.objects.get()
    assert job.preview["counts"] == {"create": 1, "update": 0, "reject": 0}
    assert job.preview["rows"][0]["values"]["leave_type"] == "tahunan"
    assert job.preview["rows"][0]["values"]["note"] == "Cuti ke Médan"


def test_reporting_line_of_5000_rows_previews_in_one_pass(
    hr_client, unit, django_capture_on_commit_callbacks
):
    nips, rows = hostile.chain(5000)
    content = hostile.csv_bytes(hostile.PERSONNEL_HEADER, rows)

    with django_capture_on_commit_callbacks(execute=True):
        upload(hr_client, "rantai.csv", content)

    job = ImportJob.objects.get()
    assert job.status == "previewed"
    assert job.preview["counts"] == {"create": 5000, "update": 0, "reject": 0}


def test_reporting_line_cycle_through_5000_rows_rejects_every_row_of_it(
    hr_client, unit, django_capture_on_commit_callbacks
):
    nips, rows = hostile.chain(5000, close_cycle=True)
    rows.append(
        [make_nip(1, birth=datetime.date(1970, 5, 5)), "Di luar", "", "", "L", "05-05-1970"]
        + ["PNS", "III/a", "Staf", "", "KEC", nips[10]]
    )
    content = hostile.csv_bytes(hostile.PERSONNEL_HEADER, rows)

    with django_capture_on_commit_callbacks(execute=True):
        upload(hr_client, "siklus.csv", content)

    job = ImportJob.objects.get()
    counts = job.preview["counts"]
    assert counts == {"create": 0, "update": 0, "reject": 5001}
    messages = {row["row"]: in_site_language(row["errors"]) for row in job.preview["rows"]}
    assert "siklus" in messages[2][0]["message"]
    # The person outside the loop reports into it: not a cycle, but a rejected supervisor.
    assert messages[5002] == [
        {
            "column": "NIP Atasan",
            "message": (
                f"Tidak ada ASN di wilayah ini (maupun baris yang valid) dengan NIP {nips[10]}."
            ),
        }
    ]


def test_reporting_line_under_an_unknown_supervisor_is_rejected_in_one_round(
    hr_client, unit, django_capture_on_commit_callbacks
):
    unknown = make_nip(7, birth=datetime.date(1971, 1, 1))
    nips, rows = hostile.chain(3000, first_boss=unknown)
    content = hostile.csv_bytes(hostile.PERSONNEL_HEADER, rows)

    with django_capture_on_commit_callbacks(execute=True):
        upload(hr_client, "rantai-putus.csv", content)

    job = ImportJob.objects.get()
    assert job.preview["counts"] == {"create": 0, "update": 0, "reject": 3000}
    last = in_site_language(job.preview["rows"][-1]["errors"])
    assert last == [
        {
            "column": "NIP Atasan",
            "message": (
                f"Tidak ada ASN di wilayah ini (maupun baris yang valid) dengan NIP {nips[-2]}."
            ),
        }
    ]


def test_a_big_workbook_is_counted_not_read_within_the_request(hr_client, unit, monkeypatch):
    person = [make_nip(1), "Ani", "", "", "P", "26-09-1986", "PNS", "III/a", "Staf", "", "KEC", ""]
    rows = [hostile.row_xml(1, hostile.PERSONNEL_HEADER)]
    rows += [hostile.row_xml(n, person) for n in range(2, 303)]
    read = []
    monkeypatch.setattr(
        import_files._Workbook, "data_rows", lambda self, width: read.append(width) or iter(())
    )

    upload(hr_client, "besar.xlsx", hostile.xlsx(rows))  # the preview task waits for the commit

    job = ImportJob.objects.get()
    assert (job.status, job.total_rows) == ("previewing", 301)
    assert read == []
