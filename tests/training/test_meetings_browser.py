"""A 3-day bimtek in a real browser: HR plans its meetings, a participant sees each day."""

import datetime
from urllib.parse import urlparse

import icalendar
import pytest
from django.utils import timezone

from tests.conftest import login, screenshot
from tests.factories import CivilServantFactory, ProgramFactory, VenueFactory, district, hr_officer
from training.models import TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _working_days(first: int, count: int) -> list[datetime.date]:
    days, day = [], timezone.localdate() + datetime.timedelta(days=first)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@pytest.mark.usefixtures("without_shipped_holidays")
def test_hr_plans_a_three_day_bimtek_and_a_participant_sees_every_meeting(page, phone_page):
    place = district("mulyorejo")
    officer = hr_officer(place)
    program = ProgramFactory(district=place, title="Bimtek Arsip Dinamis", jp_credited=18)
    hall = VenueFactory(district=place, name="Aula Kecamatan")
    lab = VenueFactory(district=place, name="Lab Komputer")
    ani = CivilServantFactory(district=place, name="Ani Wulandari")
    days = _working_days(21, 3)

    login(page, officer.nip)
    page.goto(f"{page.base}/kepegawaian/sesi/baru/")
    page.select_option("#id_program", str(program.pk))
    page.fill("#id_date", days[0].isoformat())
    page.fill("#id_start_time", "08:00")
    page.fill("#id_end_time", "15:00")
    page.select_option("#id_venue", str(hall.pk))
    page.fill("#id_capacity", "30")
    for number, (day, venue) in enumerate([(days[1], hall), (days[2], lab)]):
        page.fill(f"#id_meetings-{number}-date", day.isoformat())
        page.fill(f"#id_meetings-{number}-start_time", "08:00")
        page.fill(f"#id_meetings-{number}-end_time", "15:00")
        page.select_option(f"#id_meetings-{number}-venue", str(venue.pk))
    screenshot(page, "meetings-hr-form")
    page.click("#submit-id-save")
    page.click("#publish")
    assert "Sesi telah diterbitkan" in page.inner_text("main")
    assert "3 pertemuan" in page.inner_text("main")
    assert page.locator("#meetings-list li").count() == 3
    assert "Lab Komputer" in page.locator("#meetings-list li >> nth=2").inner_text()
    screenshot(page, "meetings-hr-session")
    session = TrainingSession.objects.get()
    assert [m.venue for m in session.meetings.all()] == [hall, hall, lab]

    # The participant, on a phone: enrol, then the week view and the calendar feed.
    phone = phone_page
    login(phone, ani.nip)
    phone.goto(f"{phone.base}/saya/sesi/{session.pk}/")
    assert "3 pertemuan" in phone.inner_text("#session-when")
    phone.click("#enrol-button")
    phone.goto(f"{phone.base}/saya/jadwal/?minggu={days[0].isoformat()}")
    meetings_shown = phone.locator(".week-meeting").count()
    if days[2] - days[0] > datetime.timedelta(days=2):  # the bimtek runs over a weekend
        later = days[2] - datetime.timedelta(days=days[2].weekday())
        phone.goto(f"{phone.base}/saya/jadwal/?minggu={later.isoformat()}")
        meetings_shown += phone.locator(".week-meeting").count()
    assert meetings_shown == 3
    screenshot(phone, "meetings-week-view-phone")
    phone.click("#make-feed")
    feed_path = urlparse(phone.input_value("#feed-url")).path
    feed = phone.request.get(f"{phone.base}{feed_path}")
    events = list(icalendar.Calendar.from_ical(feed.body()).walk("VEVENT"))
    assert [e.decoded("dtstart").date() for e in events] == days
    assert "Lab Komputer" in str(events[2]["location"])
