"""Check-in at the venue in a real browser: the projector's QR code, a phone, HR's roster."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    district,
    hr_officer,
)
from training.models import Attendance, CompletionRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def test_participant_scans_the_screen_on_a_phone_and_hr_records_completion(page, phone_page):
    place = district("mulyorejo")
    officer = hr_officer(place)
    program = ProgramFactory(district=place, title="Bimtek SIASN", jp_credited=24)
    now = timezone.now()
    # Three days; the third meeting is running now.
    starts = [now - 2 * DAY - HOUR, now - DAY - HOUR, now - HOUR]
    session = SessionFactory(
        district=place,
        program=program,
        start=starts[0],
        end=starts[2] + 4 * HOUR,
        meetings=[(start, start + 4 * HOUR) for start in starts],
    )
    first, second, today = session.meetings.order_by("start")
    ani = CivilServantFactory(district=place, name="Ani Wulandari")
    enrollment = EnrollmentFactory(session=session, civil_servant=ani)
    for meeting in (first, second):
        Attendance.objects.create(
            meeting=meeting, enrollment=enrollment, status="present", source="hr", marked_at=now
        )

    login(page, officer.nip)
    page.goto(f"{page.base}/kepegawaian/sesi/{session.pk}/kehadiran/")
    assert page.locator("#attendance-count").inner_text().startswith("0 / 1")
    with page.context.expect_page() as opened:
        page.click("#checkin-screen-link")
    screen = opened.value
    screen.wait_for_load_state()
    assert screen.locator("#checkin-count").inner_text().startswith("0 / 1")
    screenshot(screen, "checkin-screen")
    checkin_url = screen.get_attribute("#checkin-link", "href")

    login(phone_page, ani.nip)
    phone_page.goto(checkin_url)
    screenshot(phone_page, "checkin-confirm-phone")
    assert not Attendance.objects.filter(meeting=today).exists()
    phone_page.click("#checkin-confirm")
    assert phone_page.locator("#checkin-status").inner_text().startswith("Hadir")
    screenshot(phone_page, "checkin-present-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    # The screen counts the participant without being reloaded.
    expect(screen.locator("#checkin-count [data-checkin=present]")).to_have_text("1", timeout=15000)
    screen.close()

    page.reload()
    assert page.locator("#attendance-count").inner_text().startswith("1 / 1")
    assert page.locator("#attendance-form input[value=present]").first.is_checked()
    page.goto(f"{page.base}/kepegawaian/sesi/{session.pk}/kelulusan/")
    assert "3 dari 3 pertemuan" in page.inner_text("#completion-form")
    assert page.locator("input[name^=passed_]").first.is_checked()
    page.locator("input[name^=score_]").first.fill("90")
    screenshot(page, "checkin-completion")
    page.click("text=Catat kelulusan dan terbitkan sertifikat")
    assert "1 sertifikat diterbitkan" in page.inner_text("main")

    record = CompletionRecord.objects.get()
    assert (record.civil_servant, record.passed, record.jp_credited) == (ani, True, 24)
