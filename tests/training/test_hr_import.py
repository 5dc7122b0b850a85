"""Import of personnel and schedule rows: preview per row, all-or-nothing commit."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from districts.models import CivilServant, ScheduleEntry
from tests.factories import CivilServantFactory, WorkUnitFactory, district, hr_officer, make_nip
from training.models import AuditEntry, ImportJob
from training.services import import_jobs

HEADER = (
    "NIP;Nama;Gelar Depan;Gelar Belakang;Jenis Kelamin;Tanggal Lahir;Jenis ASN;"
    "Pangkat/Golongan;Jabatan;Jenis Jabatan;Unit Kerja;NIP Atasan"
)
BIRTH = datetime.date(1986, 9, 26)


def _person_line(nip, name, *, born="26-09-1986", unit="KEC", boss="", position="Analis"):
    return f"{nip};{name};;S.E.;L;{born};PNS;III/b;{position};pelaksana;{unit};{boss}"


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer.user)
    return client


@pytest.fixture
def unit():
    return WorkUnitFactory(code="KEC", name="Kantor Kecamatan Mulyorejo")


def _upload(client, name, content, kind="personnel", where="mulyorejo"):
    return client.post(
        reverse("training:hr-imports"),
        {
            "district": district(where).pk,
            "kind": kind,
            "file": SimpleUploadedFile(name, content),
        },
    )


def _messy_file(existing):
    ani, budi = make_nip(501, birth=BIRTH), make_nip(502, birth=BIRTH)
    p, q = make_nip(503, birth=BIRTH), make_nip(504, birth=BIRTH)
    lines = [
        HEADER,
        _person_line(ani, "Ani", boss=existing.nip),  # 2: create
        _person_line(
            existing.nip,
            "Lama",
            born=f"{existing.birth_date:%d-%m-%Y}",
            position="Kepala Seksi",
        ),  # 3: update
        _person_line("12345", "Salah NIP"),  # 4: malformed NIP
        _person_line(budi, "Budi", unit="TIDAK-ADA"),  # 5: unknown unit
        _person_line(p, "Putri", boss=q),  # 6: cycle
        _person_line(q, "Qori", boss=p),  # 7: cycle
        _person_line(ani, "Ani Lagi"),  # 8: duplicated NIP
        _person_line(make_nip(505, birth=BIRTH), "Tgl", born="31-02-1986"),  # 9: bad date
    ]
    return "\n".join(lines).encode("utf-8"), ani


@pytest.mark.django_db
def test_import_preview_names_each_problem_then_commit_writes_only_good_rows(hr_client, unit):
    existing = CivilServantFactory(work_unit=unit, name="Lama")
    content, ani = _messy_file(existing)

    response = _upload(hr_client, "pegawai.csv", content)
    job = ImportJob.objects.get()
    preview = hr_client.get(reverse("training:hr-import", args=[job.pk]))

    assert response.status_code == 302
    assert job.status == "previewed"
    assert job.preview["counts"] == {"create": 1, "update": 1, "reject": 6}
    problems = {row["row"]: (row["action"], row["errors"]) for row in job.preview["rows"]}
    assert problems[2] == ("create", [])
    assert problems[3] == ("update", [])
    assert [e["column"] for e in problems[4][1]] == ["NIP"]
    assert problems[5][1] == [
        {
            "column": "Unit Kerja",
            "message": "Unit kerja “TIDAK-ADA” tidak dikenal di wilayah ini.",
            "messages": {
                "id": "Unit kerja “TIDAK-ADA” tidak dikenal di wilayah ini.",
                "en": "Unknown work unit “TIDAK-ADA” in this district.",
            },
        }
    ]
    assert [e["column"] for e in problems[6][1]] == ["NIP Atasan"]
    assert "siklus" in problems[7][1][0]["message"]
    assert problems[8][1] == [
        {
            "column": "NIP",
            "message": "NIP ini juga ada di baris 2.",
            "messages": {"id": "NIP ini juga ada di baris 2.", "en": "The NIP is also in row 2."},
        }
    ]
    assert "Tanggal Lahir" in [e["column"] for e in problems[9][1]]
    assert "Unit kerja “TIDAK-ADA” tidak dikenal" in preview.content.decode()
    hr_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = hr_client.get(reverse("training:hr-import", args=[job.pk])).content.decode()
    assert "Unknown work unit “TIDAK-ADA” in this district." in english
    assert "Unit kerja “TIDAK-ADA”" not in english
    hr_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert CivilServant.objects.count() == 2  # the officer and the existing person

    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "committed"
    assert CivilServant.objects.count() == 3
    created = CivilServant.objects.get(nip=ani)
    assert (created.name, created.back_title, created.rank, created.supervisor) == (
        "Ani",
        "S.E.",
        "III/b",
        existing,
    )
    assert created.user.username == ani and not created.user.has_usable_password()
    existing.refresh_from_db()
    assert (existing.name, existing.position_title) == ("Lama", "Kepala Seksi")
    assert AuditEntry.objects.filter(action="imported").count() == 1


@pytest.mark.django_db
def test_import_failure_mid_commit_writes_nothing(hr_client, unit):
    first, second = make_nip(601, birth=BIRTH), make_nip(602, birth=BIRTH)
    content = "\n".join([HEADER, _person_line(first, "Satu"), _person_line(second, "Dua")]).encode()
    _upload(hr_client, "pegawai.csv", content)
    job = ImportJob.objects.get()
    # Someone takes the second login between preview and commit.
    get_user_model().objects.create(username=second)

    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("Tidak ada yang diimpor")
    assert not CivilServant.objects.filter(nip__in=[first, second]).exists()
    assert not get_user_model().objects.filter(username=first).exists()


@pytest.mark.django_db
def test_import_commit_twice_writes_once(hr_client, unit):
    content = "\n".join([HEADER, _person_line(make_nip(701, birth=BIRTH), "Satu")]).encode()
    _upload(hr_client, "pegawai.csv", content)
    job = ImportJob.objects.get()

    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))
    second = hr_client.post(reverse("training:hr-import-commit", args=[job.pk]), follow=True)

    assert CivilServant.objects.filter(name="Satu").count() == 1
    assert "belum siap disimpan" in second.content.decode()


@pytest.mark.django_db
def test_import_xlsx_with_date_cells(hr_client, unit):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    nip = make_nip(801, birth=BIRTH)
    sheet.append(
        [
            nip,
            "Xena",
            "",
            "",
            "L",
            datetime.datetime(1986, 9, 26),
            "PNS",
            "III/a",
            "Staf",
            "",
            "KEC",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    _upload(hr_client, "pegawai.xlsx", buffer.getvalue())
    job = ImportJob.objects.get()

    assert job.preview["counts"] == {"create": 1, "update": 0, "reject": 0}


@pytest.mark.django_db
def test_import_refuses_missing_columns_and_wrong_type(hr_client, unit):
    missing = _upload(hr_client, "pegawai.csv", b"NIP;Nama\n1;x\n")
    wrong = _upload(hr_client, "pegawai.txt", b"NIP;Nama\n1;x\n")

    assert missing.context["form"].errors["file"][0].startswith("Kolom tidak ada: Jenis Kelamin")
    assert wrong.context["form"].errors["file"] == ["Unggah berkas .csv atau .xlsx."]
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_import_large_file_runs_as_task_after_commit(
    hr_client, unit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_jobs, "BACKGROUND_ROWS", 2)
    lines = [HEADER] + [_person_line(make_nip(900 + n, birth=BIRTH), f"P{n}") for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        _upload(hr_client, "besar.csv", "\n".join(lines).encode())
    job = ImportJob.objects.get()
    progress = hr_client.get(reverse("training:hr-import", args=[job.pk]), {"format": "json"})
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    assert progress.json() == {
        "status": "previewed",
        "status_label": "Siap disimpan",
        "processed": 3,
        "total": 3,
    }
    job.refresh_from_db()
    assert job.status == "committed"
    assert CivilServant.objects.filter(name__regex=r"^P\d$").count() == 3


@pytest.mark.django_db
def test_import_schedule_entries(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)
    contract = CivilServantFactory(work_unit=unit, asn_type="PPPK")
    content = "\n".join(
        [
            "NIP,Jenis,Jenis Cuti,Mulai,Selesai,Keterangan",
            f"{person.nip},shift dinas,,07-12-2026 07.00,07-12-2026 14.00,Loket",
            f"{person.nip},cuti,tahunan,08-12-2026 00.00,10-12-2026 00.00,",
            "199001012015011001,shift dinas,,07-12-2026 07.00,07-12-2026 14.00,",
            f"{person.nip},rapat,,07-12-2026 07.00,07-12-2026 14.00,",
            f"{person.nip},dinas luar,,07-12-2026 14.00,07-12-2026 07.00,",
            f"{contract.nip},cuti,besar,08-12-2026 00.00,10-12-2026 00.00,",
        ]
    ).encode()

    _upload(hr_client, "jadwal.csv", content, kind="schedule")
    job = ImportJob.objects.get()
    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    columns = {row["row"]: [e["column"] for e in row["errors"]] for row in job.preview["rows"]}
    assert columns == {2: [], 3: [], 4: ["NIP"], 5: ["Jenis"], 6: ["Selesai"], 7: ["Jenis Cuti"]}
    # A roster names people by NIP only; the preview shows whose row it is.
    names = {row["row"]: row["name"] for row in job.preview["rows"]}
    assert names == {
        2: person.name,
        3: person.name,
        4: "",
        5: person.name,
        6: person.name,
        7: contract.name,
    }
    entries = list(ScheduleEntry.objects.order_by("start").values_list("kind", "start", "source"))
    assert entries == [
        ("duty_shift", datetime.datetime(2026, 12, 7, 0, 0, tzinfo=datetime.UTC), "import"),
        ("leave", datetime.datetime(2026, 12, 7, 17, 0, tzinfo=datetime.UTC), "import"),
    ]


@pytest.mark.django_db
def test_import_preview_of_a_lost_file_fails_with_a_message(officer):
    job = ImportJob.objects.create(
        district=district("mulyorejo"),
        kind="personnel",
        original_name="hilang.csv",
        file="imports/hilang.csv",
        uploaded_by=officer.user,
    )

    import_jobs.run_preview(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "Berkas yang diunggah tidak dapat dibaca.")
    assert job.error_messages["en"] == "The uploaded file could not be read."


@pytest.mark.django_db
def test_import_failure_reads_in_the_readers_language(hr_client, officer):
    job = ImportJob.objects.create(
        district=district("mulyorejo"),
        kind="personnel",
        original_name="hilang.csv",
        file="imports/hilang.csv",
        uploaded_by=officer.user,
    )
    import_jobs.run_preview(job_id=job.pk)

    hr_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = hr_client.get(reverse("training:hr-import", args=[job.pk])).content.decode()

    assert "The uploaded file could not be read." in english
    assert "Berkas yang diunggah" not in english


@pytest.mark.django_db
def test_imported_shift_over_an_enrolled_session_records_a_conflict_reminder(
    hr_client, unit, django_capture_on_commit_callbacks
):
    from tests.factories import EnrollmentFactory, SessionFactory, session_day
    from training.models import Reminder

    person = CivilServantFactory(work_unit=unit)
    session = SessionFactory()  # 08.00-12.00 on session_day(): upcoming on any date
    enrollment = EnrollmentFactory(session=session, civil_servant=person)
    day = f"{session_day():%d-%m-%Y}"
    content = "\n".join(
        [
            "NIP,Jenis,Jenis Cuti,Mulai,Selesai,Keterangan",
            f"{person.nip},shift dinas,,{day} 07.00,{day} 14.00,Loket",
        ]
    ).encode()
    _upload(hr_client, "jadwal.csv", content, kind="schedule")
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    reminders = Reminder.objects.filter(enrollment=enrollment, kind="conflict")
    assert reminders.count() == 1


@pytest.mark.django_db
def test_import_counts_read_in_the_past_once_committed(hr_client, unit):
    content = "\n".join([HEADER, _person_line(make_nip(801, birth=BIRTH), "Satu")]).encode()
    _upload(hr_client, "pegawai.csv", content)
    job = ImportJob.objects.get()

    before = hr_client.get(reverse("training:hr-import", args=[job.pk])).content.decode()
    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))
    after = hr_client.get(reverse("training:hr-import", args=[job.pk])).content.decode()

    assert ("1 akan dibuat" in before, "1 dibuat" in before) == (True, False)
    assert ("1 akan dibuat" in after, "1 dibuat" in after) == (False, True)


@pytest.mark.django_db
def test_large_import_with_the_broker_down_still_previews_and_commits(
    hr_client, unit, broker_down, django_capture_on_commit_callbacks
):
    person = CivilServantFactory(work_unit=unit)
    lines = ["NIP,Jenis,Jenis Cuti,Mulai,Selesai,Keterangan"]
    for day in range(1, 29):
        for month in range(1, 10):
            lines.append(
                f"{person.nip},shift dinas,,{day:02d}-{month:02d}-2027 07.00,"
                f"{day:02d}-{month:02d}-2027 14.00,Loket"
            )
    assert len(lines) - 1 > import_jobs.BACKGROUND_ROWS

    with django_capture_on_commit_callbacks(execute=True):
        _upload(hr_client, "jadwal.csv", "\n".join(lines).encode(), kind="schedule")
    job = ImportJob.objects.get()
    assert job.status == "previewed"
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "committed"
    assert ScheduleEntry.objects.filter(civil_servant=person).count() == 252


@pytest.mark.django_db
def test_a_commit_delivered_twice_writes_the_rows_once(hr_client, unit):
    person = CivilServantFactory(work_unit=unit)
    content = "\n".join(
        [
            "NIP,Jenis,Jenis Cuti,Mulai,Selesai,Keterangan",
            f"{person.nip},shift dinas,,07-12-2026 07.00,07-12-2026 14.00,Loket",
        ]
    ).encode()
    _upload(hr_client, "jadwal.csv", content, kind="schedule")
    job = ImportJob.objects.get()
    hr_client.post(reverse("training:hr-import-commit", args=[job.pk]))

    import_jobs.run_commit(job_id=job.pk, actor_id=None, now=timezone.now())

    assert ScheduleEntry.objects.filter(civil_servant=person).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["personnel", "schedule"])
def test_import_template_has_the_columns_the_import_reads(hr_client, kind, fmt):
    from training.hr.import_help import KINDS
    from training.services.import_files import read_table

    response = hr_client.get(reverse("training:hr-import-template", args=[kind, fmt]))

    assert response.status_code == 200
    assert f'filename="contoh-impor-{kind}.{fmt}"' in response["Content-Disposition"]
    columns, required = KINDS[kind]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content))
        sheet = book.active
        assert [cell.value for cell in sheet[1]] == list(columns)
        assert sheet.freeze_panes == "A2"
        sheet.append(["isi"] * len(columns))  # HR fills a row in
        filled = io.BytesIO()
        book.save(filled)
        data = filled.getvalue()
    else:
        text = response.content.decode("utf-8-sig")
        assert text.strip().split(";") == list(columns)
        data = (text + ";".join(["isi"] * len(columns)) + "\r\n").encode()
    # The import reads the filled template: every column is recognised.
    rows = read_table(name=f"x.{fmt}", data=data, columns=columns, required=required)
    assert [set(values) for _number, values in rows] == [set(columns.values())]


@pytest.mark.django_db
def test_import_template_of_an_unknown_kind_is_404_and_hr_only(hr_client, client):
    assert hr_client.get("/kepegawaian/impor/contoh/gaji.csv").status_code == 404
    client.force_login(CivilServantFactory().user)
    assert client.get("/kepegawaian/impor/contoh/personnel.csv").status_code == 404


@pytest.mark.django_db
def test_import_page_lists_allowed_values_and_unit_codes(hr_client, unit):
    html = hr_client.get(reverse("training:hr-imports")).content.decode()

    personnel = re.search(r'id="import-columns-personnel">(.*?)</dl>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", personnel).split())
    assert "Jenis Kelamin * (wajib) L, P" in text
    assert "Jenis ASN * (wajib) PNS, PPPK" in text
    assert "IV/e" in text and "XVII" in text
    schedule = re.search(r'id="import-columns-schedule">(.*?)</dl>', html, re.S).group(1)
    assert "shift dinas, cuti, dinas luar, lainnya" in schedule
    assert "<code>KEC</code> Kantor Kecamatan Mulyorejo" in html
    assert "/kepegawaian/impor/contoh/schedule.xlsx" in html
