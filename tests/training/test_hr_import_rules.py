"""Imports follow the portal's own rules, and every job ends where HR can see why."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from districts.models import ScheduleEntry
from tests.factories import CivilServantFactory, WorkUnitFactory, district, local, make_nip
from tests.training import hostile_files as hostile
from training.models import ImportJob
from training.services import import_jobs, imports

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return WorkUnitFactory(code="KEC", name="Kantor Kecamatan Mulyorejo")


def upload(client, name, content, kind="schedule"):
    return client.post(
        reverse("training:hr-imports"),
        {
            "district": district("mulyorejo").pk,
            "kind": kind,
            "file": SimpleUploadedFile(name, content),
        },
    )


def schedule(*rows) -> bytes:
    return hostile.csv_bytes(hostile.SCHEDULE_HEADER, rows)


def in_site_language(errors):
    """Return the errors as read in Indonesian (each also keeps its other languages)."""
    return [{"column": e["column"], "message": e["message"]} for e in errors]


def errors_by_row(job):
    return {row["row"]: in_site_language(row["errors"]) for row in job.preview["rows"]}


def test_schedule_years_outside_1970_2100_are_refused_as_the_form_does(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)
    content = schedule(
        [person.nip, "shift dinas", "", "01-01-0001 08.00", "01-01-0001 12.00", ""],
        [person.nip, "shift dinas", "", "31-12-9999 08.00", "31-12-9999 12.00", ""],
        [person.nip, "shift dinas", "", "31-12-1969 08.00", "01-01-1970 12.00", ""],
    )

    upload(hr_client, "tahun.csv", content)

    job = ImportJob.objects.get()
    message = "Isi tanggal antara tahun 1970 dan 2100."
    assert errors_by_row(job) == {
        2: [{"column": "Mulai", "message": message}, {"column": "Selesai", "message": message}],
        3: [{"column": "Mulai", "message": message}, {"column": "Selesai", "message": message}],
        4: [{"column": "Mulai", "message": message}],
    }


@pytest.mark.parametrize(
    "kind, leave_type, stored",
    [
        ("Cuti", "Cuti Tahunan", ("leave", "tahunan")),
        ("CUTI", "cuti tahunan", ("leave", "tahunan")),
        ("Leave", "Annual leave", ("leave", "tahunan")),
        ("cuti", "Cuti alasan penting", ("leave", "alasan_penting")),
        ("cuti", "tahunan", ("leave", "tahunan")),
        ("Perjalanan dinas", "", ("official_travel", "")),
        ("Official travel", "", ("official_travel", "")),
        ("dinas luar", "", ("official_travel", "")),
        ("Shift dinas", "", ("duty_shift", "")),
        ("duty shift", "", ("duty_shift", "")),
        ("LAINNYA", "", ("other", "")),
    ],
)
def test_schedule_accepts_the_labels_the_portal_shows(hr_client, unit, kind, leave_type, stored):
    person = CivilServantFactory(work_unit=unit)

    upload(
        hr_client,
        "label.csv",
        schedule([person.nip, kind, leave_type, "07-12-2026 07.30", "07-12-2026 16.00", ""]),
    )

    row = ImportJob.objects.get().preview["rows"][0]
    assert in_site_language(row["errors"]) == []
    assert (row["values"]["kind"], row["values"]["leave_type"]) == stored


def test_schedule_names_the_choices_when_a_label_is_unknown(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)

    upload(
        hr_client,
        "label.csv",
        schedule([person.nip, "rapat", "", "07-12-2026 07.30", "07-12-2026 16.00", ""]),
    )

    assert errors_by_row(ImportJob.objects.get())[2] == [
        {
            "column": "Jenis",
            "message": "Gunakan salah satu: Shift dinas, Cuti, Perjalanan dinas, Lainnya.",
        }
    ]


def test_personnel_nip_of_another_district_says_only_not_here(hr_client, unit):
    elsewhere = CivilServantFactory(
        district=district("plaju"), work_unit=WorkUnitFactory(district=district("plaju"))
    )
    line = [elsewhere.nip, "Siapa", "", "", "L", f"{elsewhere.birth_date:%d-%m-%Y}", "PNS"]
    line += ["III/a", "Staf", "", "KEC", ""]

    upload(
        hr_client, "pegawai.csv", hostile.csv_bytes(hostile.PERSONNEL_HEADER, [line]), "personnel"
    )

    assert errors_by_row(ImportJob.objects.get())[2] == [
        {"column": "NIP", "message": "NIP ini tidak dapat diimpor di wilayah ini."}
    ]


def test_personnel_name_with_a_line_break_is_refused_at_its_column(hr_client, unit):
    line = [make_nip(3), "Judul\r\nBcc: korban@example.com", "", "", "L", "26-09-1986", "PNS"]
    line += ["III/a", "Staf\tLoket", "", "KEC", ""]

    upload(
        hr_client, "pegawai.csv", hostile.csv_bytes(hostile.PERSONNEL_HEADER, [line]), "personnel"
    )

    job = ImportJob.objects.get()
    row = job.preview["rows"][0]
    message = "Gunakan satu baris tanpa karakter kendali (seperti ganti baris atau tab)."
    assert in_site_language(row["errors"]) == [
        {"column": "Nama", "message": message},
        {"column": "Jabatan", "message": message},
    ]
    assert (
        row["name"]
        == "Judul\N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}Bcc: korban@example.com"
    )


def test_personnel_text_longer_than_the_model_allows_is_refused_not_cut(hr_client, unit):
    line = [
        make_nip(4),
        "A" * 151,
        "",
        "",
        "L",
        "26-09-1986",
        "PNS",
        "III/a",
        "Staf",
        "",
        "KEC",
        "",
    ]

    upload(
        hr_client, "pegawai.csv", hostile.csv_bytes(hostile.PERSONNEL_HEADER, [line]), "personnel"
    )

    assert errors_by_row(ImportJob.objects.get())[2] == [
        {
            "column": "Nama",
            "message": (
                "Pastikan nilai ini mengandung paling banyak 150 karakter (sekarang 151 karakter)."
            ),
        }
    ]


def test_schedule_duplicate_of_an_existing_shift_is_refused(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)
    ScheduleEntry.objects.create(
        civil_servant=person,
        kind="duty_shift",
        start=local(2026, 12, 7, 7),
        end=local(2026, 12, 7, 14),
    )

    upload(
        hr_client,
        "jadwal.csv",
        schedule([person.nip, "Shift dinas", "", "07-12-2026 07.00", "07-12-2026 14.00", ""]),
    )

    assert errors_by_row(ImportJob.objects.get())[2] == [
        {"column": "Mulai", "message": "Entri ini sudah ada di jadwal."}
    ]


def test_a_preview_that_fails_unexpectedly_ends_failed_with_the_reason(
    hr_client, unit, monkeypatch
):
    person = CivilServantFactory(work_unit=unit)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        import_jobs.SPECS, "schedule", (imports.SCHEDULE_COLUMNS, imports.SCHEDULE_REQUIRED, broken)
    )
    upload(
        hr_client,
        "jadwal.csv",
        schedule([person.nip, "Shift dinas", "", "07-12-2026 07.00", "07-12-2026 14.00", ""]),
    )

    job = ImportJob.objects.get()
    page = hr_client.get(reverse("training:hr-import", args=[job.pk])).content.decode()
    assert job.status == "failed"
    assert job.error.startswith("Berkas tidak dapat diperiksa karena kesalahan tak terduga")
    assert job.error in page
    assert not job.file.storage.exists(job.file.name)


def test_a_commit_that_fails_unexpectedly_ends_failed_and_writes_nothing(
    hr_client, unit, monkeypatch
):
    person = CivilServantFactory(work_unit=unit)
    upload(
        hr_client,
        "jadwal.csv",
        schedule([person.nip, "Shift dinas", "", "07-12-2026 07.00", "07-12-2026 14.00", ""]),
    )
    job = ImportJob.objects.get()

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(import_jobs.reminders, "queue_people_recheck", broken)
    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("Tidak ada yang diimpor: Berkas tidak dapat diperiksa")
    assert not ScheduleEntry.objects.exists()


def test_hr_discards_a_preview_and_its_file(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)
    upload(
        hr_client,
        "jadwal.csv",
        schedule([person.nip, "Shift dinas", "", "07-12-2026 07.00", "07-12-2026 14.00", ""]),
    )
    job = ImportJob.objects.get()

    response = hr_client.post(reverse("training:hr-import-discard", args=[job.pk]), follow=True)
    commit = hr_client.post(reverse("training:hr-import-commit", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert (job.status, job.preview) == ("discarded", {})
    assert "Pratinjau dibuang; tidak ada yang diimpor." in response.content.decode()
    assert "belum siap disimpan" in commit.content.decode()
    assert not job.file.storage.exists(job.file.name)
    assert not ScheduleEntry.objects.exists()


def test_another_districts_hr_cannot_discard(client, unit):
    from tests.factories import hr_officer

    job = ImportJob.objects.create(
        district=district("mulyorejo"), kind="schedule", original_name="x.csv", status="previewed"
    )
    client.force_login(hr_officer(district("plaju")).user)

    response = client.post(reverse("training:hr-import-discard", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 404
    assert job.status == "previewed"


def test_old_previews_expire_and_cannot_be_committed(officer):
    job = ImportJob.objects.create(
        district=district("mulyorejo"), kind="schedule", original_name="x.csv", status="previewed"
    )
    now = job.updated_at + import_jobs.PREVIEW_TTL

    assert not import_jobs.request_commit(job=job, actor=officer.user, now=now)
    assert import_jobs.expire_import_jobs(now=now - datetime.timedelta(seconds=1)) == 0
    assert import_jobs.expire_import_jobs(now=now) == 1

    job.refresh_from_db()
    assert (job.status, job.error) == (
        "expired",
        "Pratinjau tidak diimpor dalam 24 jam dan sudah kedaluwarsa.",
    )


@pytest.mark.parametrize("status", ["uploaded", "previewing", "committing"])
def test_a_job_whose_worker_vanished_ends_failed(officer, status):
    job = ImportJob.objects.create(
        district=district("mulyorejo"), kind="schedule", original_name="x.csv", status=status
    )

    assert import_jobs.expire_import_jobs(now=job.updated_at + datetime.timedelta(minutes=59)) == 0
    assert import_jobs.expire_import_jobs(now=job.updated_at + import_jobs.STALE_AFTER) == 1

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("Pengolahan berkas ini berhenti sebelum selesai")


def test_a_late_preview_does_not_revive_a_job_failed_meanwhile(officer, unit):
    person = CivilServantFactory(work_unit=unit)
    job = ImportJob.objects.create(
        district=district("mulyorejo"),
        kind="schedule",
        original_name="x.csv",
        status="failed",
        uploaded_by=officer.user,
    )
    job.file.save(
        "x.csv",
        SimpleUploadedFile(
            "x.csv",
            schedule([person.nip, "Shift dinas", "", "07-12-2026 07.00", "07-12-2026 14.00", ""]),
        ),
    )
    ImportJob.objects.filter(pk=job.pk).update(status="previewing")

    def fail_meanwhile(**kwargs):
        ImportJob.objects.filter(pk=job.pk).update(status="failed", error="berhenti")
        return {"rows": [], "counts": {}}

    import_jobs.SPECS["schedule"], saved = (
        (imports.SCHEDULE_COLUMNS, imports.SCHEDULE_REQUIRED, fail_meanwhile),
        import_jobs.SPECS["schedule"],
    )
    try:
        import_jobs.run_preview(job_id=job.pk)
    finally:
        import_jobs.SPECS["schedule"] = saved

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "berhenti")


def test_status_poll_answers_the_progress(hr_client, unit):
    job = ImportJob.objects.create(
        district=district("mulyorejo"),
        kind="schedule",
        original_name="x.csv",
        status="previewing",
        total_rows=10,
    )

    response = hr_client.get(reverse("training:hr-import", args=[job.pk]) + "?format=json")

    assert response.json() == {
        "status": "previewing",
        "status_label": "Sedang diperiksa",
        "processed": 0,
        "total": 10,
    }


def test_expiry_reads_the_time_it_is_given(officer):
    job = ImportJob.objects.create(
        district=district("mulyorejo"), kind="schedule", original_name="x.csv", status="previewed"
    )

    assert import_jobs.expire_import_jobs(now=timezone.now() - datetime.timedelta(days=1)) == 0
    job.refresh_from_db()
    assert job.status == "previewed"
