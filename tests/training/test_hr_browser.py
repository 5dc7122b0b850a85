"""A whole training cycle in a real browser: plan, warn, publish, fill, run, certify."""

import datetime
import io
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from districts.models import Holiday
from districts.nip import format_nip
from tests.conftest import csp_violations, login, screenshot, watch_console
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    HolidayFactory,
    ProgramFactory,
    SessionFactory,
    VenueFactory,
    district,
    hr_officer,
)
from training.hr.views import attendance as attendance_views
from training.hr.views import roster as roster_views
from training.models import CompletionRecord, TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _future_weekday(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_hr_runs_a_workshop_from_plan_to_certificates(page):
    place = district("mulyorejo")
    officer = hr_officer(place)
    program = ProgramFactory(district=place, title="Lokakarya SRIKANDI", jp_credited=6)
    venue = VenueFactory(district=place, name="Aula Kecamatan")
    ani, budi = (
        CivilServantFactory(district=place, name="Ani Wulandari"),
        CivilServantFactory(district=place, name="Budi Santoso"),
    )
    day = _future_weekday(21)
    HolidayFactory(date=day, name="Hari Jadi Kota", kind=Holiday.Kind.REGIONAL, district=place)

    login(page, officer.nip)
    page.click("#nav-hr")
    page.click("text=Jadwalkan sesi")
    page.select_option("#id_program", str(program.pk))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "08:00")
    page.fill("#id_end_time", "12:00")
    page.select_option("#id_venue", str(venue.pk))
    page.fill("#id_capacity", "10")
    page.click("main button[name=save]")

    warnings = page.locator("#session-warnings")
    assert "hari libur: Hari Jadi Kota" in warnings.inner_text()
    screenshot(page, "hr-session-holiday-warning")
    page.fill("#id_override_reason", "Narasumber hanya tersedia pada tanggal ini")
    page.click("main button[name=save]")
    page.click("#publish")
    assert "Sesi telah diterbitkan" in page.inner_text("main")

    page.fill("#id_nips", f"{ani.nip}\n{budi.nip_display}")
    page.click("#submit-id-add")
    assert "2 orang ditambahkan" in page.inner_text("main")
    assert page.inner_text("#seats").startswith("2 / 10")
    screenshot(page, "hr-session-roster")

    # The day of the workshop: attendance and completion are recorded once it has started.
    started = TrainingSession.objects.get().start + datetime.timedelta(hours=1)
    clock = SimpleNamespace(now=lambda: started)
    with (
        mock.patch.object(roster_views, "timezone", clock),
        mock.patch.object(attendance_views, "timezone", clock),
    ):
        page.click("#attendance-link")
        page.check("input[name^=status_][value=present] >> nth=0")
        page.check("input[name^=status_][value=late] >> nth=1")
        page.click("text=Simpan kehadiran")
        page.goto(page.url.split("/kehadiran/")[0] + "/")
        page.click("#completion-link")
        page.locator("input[name^=score_]").nth(0).fill("88,5")
        page.locator("input[name^=score_]").nth(1).fill("70")
        assert page.locator("input[name^=passed_]").nth(1).is_checked()  # late counts as present
        screenshot(page, "hr-completion")
        page.click("text=Catat kelulusan dan terbitkan sertifikat")
        assert "2 sertifikat diterbitkan" in page.inner_text("main")
        screenshot(page, "hr-session-completed")

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))

    session = TrainingSession.objects.get()
    assert (session.status, session.override_reason) == (
        "completed",
        "Narasumber hanya tersedia pada tanggal ini",
    )
    assert [(r[1], r[2], r[6], r[8]) for r in rows] == [
        (format_nip(ani.nip), "Ani Wulandari", "Selesai", "Ya"),
        (format_nip(budi.nip), "Budi Santoso", "Selesai", "Ya"),
    ]
    assert CompletionRecord.objects.filter(certificate_number__isnull=False).count() == 2
    assert session.audit_entries.filter(action="warning_overridden").count() == 1


ROSTER_OVERFLOW = """[...document.querySelectorAll("#roster .table-responsive")].map(
    (box) => box.scrollWidth - box.clientWidth)"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_hr_pages_fit_without_sideways_scrolling(browser, live_server, tmp_path, size):
    place = district("mulyorejo")
    officer = hr_officer(place)
    session = SessionFactory(
        district=place, capacity=1, start=timezone.now() + datetime.timedelta(days=20)
    )
    long_unit = "Seksi Ketenteraman dan Ketertiban Umum Kelurahan Kalijudan"
    EnrollmentFactory(
        session=session,
        civil_servant__name="Raden Ayu Kusumawardhani",
        civil_servant__work_unit__name=long_unit,
    )
    EnrollmentFactory(
        session=session,
        status="waitlisted",
        waitlisted_at=timezone.now(),
        civil_servant__name="Bambang Sulistyo Wicaksono",
        civil_servant__work_unit__name=long_unit,
    )
    EnrollmentFactory(
        session=session,
        status="attended",
        civil_servant__name="Cahyaning Pratiwi Kusumastuti",
        civil_servant__work_unit__name=long_unit,
    )
    viewport = {"desktop": (1280, 900), "phone": (390, 844)}[size]
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="id-ID"
    )
    page = context.new_page()
    page.base = live_server.url
    watch_console(page)

    login(page, officer.nip)
    page.goto(f"{page.base}/kepegawaian/sesi/{session.pk}/")
    screenshot(page, f"hr-roster-{size}")

    assert page.evaluate(ROSTER_OVERFLOW) == [0, 0]
    assert page.locator("#roster button:has-text('Pindahkan dari daftar tunggu')").is_visible()

    started = session.start + datetime.timedelta(hours=1)
    clock = SimpleNamespace(now=lambda: started)
    with (
        mock.patch.object(roster_views, "timezone", clock),
        mock.patch.object(attendance_views, "timezone", clock),
    ):
        page.goto(f"{page.base}/kepegawaian/sesi/{session.pk}/kehadiran/")
        screenshot(page, f"hr-attendance-{size}")
        last_choice = page.locator("#attendance-form label:has-text('Tidak hadir')").first
        reason = page.locator("#attendance-form input[name^=reason_]").first.bounding_box()
        assert reason["x"] + reason["width"] <= viewport[0]
        box = last_choice.bounding_box()
        assert box["x"] + box["width"] <= viewport[0]

        page.goto(f"{page.base}/kepegawaian/sesi/{session.pk}/kelulusan/")
        screenshot(page, f"hr-completion-{size}")
        box = page.locator("#completion-form input[name^=jp_]").first.bounding_box()
        assert box["x"] + box["width"] <= viewport[0]

    page.goto(f"{page.base}/kepegawaian/sesi/")
    screenshot(page, f"hr-session-list-{size}")
    table = page.locator("#session-table")
    assert table.evaluate("(t) => t.parentElement.scrollWidth - t.parentElement.clientWidth") == 0

    bad_file = tmp_path / "pegawai.csv"
    bad_file.write_text(
        "NIP;Nama;Jenis Kelamin;Tanggal Lahir;Jenis ASN;Pangkat/Golongan;Jabatan;Unit Kerja\n"
        "199001012015031002;Rahmat Hidayatullah;L;01-01-1990;PNS;III/b;Analis;Unit Yang Tidak Ada\n"
    )
    page.goto(f"{page.base}/kepegawaian/impor/")
    page.set_input_files("input[type=file]", str(bad_file))
    page.click("main form [type=submit]")
    screenshot(page, f"hr-import-preview-{size}")
    problems = page.locator("#import-rows tbody td").last.bounding_box()
    assert problems["x"] + problems["width"] <= viewport[0]
    assert csp_violations(page) == []
    context.close()
