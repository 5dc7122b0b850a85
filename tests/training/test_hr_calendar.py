"""HR calendar: holidays and cuti bersama marked, today marked, a view per venue and instructor."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    HolidayFactory,
    InstructorFactory,
    SessionFactory,
    VenueFactory,
    at,
    district,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2031, 12, 24)  # a year with no shipped holidays: only the test's own


def _cells(response):
    return {cell["day"]: cell for week in response.context["weeks"] for cell in week}


def test_calendar_marks_holidays_and_cuti_bersama(hr_client):
    HolidayFactory(date=DAY, name="Cuti Bersama Natal", kind="cuti_bersama")
    HolidayFactory(date=DAY + datetime.timedelta(days=1), name="Hari Raya Natal")
    HolidayFactory(
        date=DAY + datetime.timedelta(days=2),
        name="Hari Jadi Kota Palembang",
        kind="regional",
        district=district("plaju"),
    )  # another district's regional holiday: not on a Mulyorejo officer's calendar

    response = hr_client.get(reverse("training:hr-calendar"), {"date": DAY.isoformat()})

    cells = _cells(response)
    names = {
        day: [h.name for h in cell["holidays"]] for day, cell in cells.items() if cell["holidays"]
    }
    assert names == {DAY: ["Cuti Bersama Natal"], DAY.replace(day=25): ["Hari Raya Natal"]}
    html = response.content.decode()
    assert html.count('calendar-holiday"') + html.count("calendar-holiday ") >= 2
    assert "Hari Raya Natal" in html and "cuti bersama" in html


def test_calendar_marks_today(hr_client):
    today = timezone.localdate()

    response = hr_client.get(reverse("training:hr-calendar"))

    marked = [day for day, cell in _cells(response).items() if cell["today"]]
    assert marked == [today]
    html = response.content.decode()
    assert len(re.findall(r'aria-current="date"', html)) == 2  # the grid and the phone list
    assert "Hari ini" in html


@pytest.mark.parametrize("subject", ["venue", "instructor"])
def test_calendar_per_venue_and_per_instructor(hr_client, subject):
    hall, room = VenueFactory(name="Aula Utama"), VenueFactory(name="Ruang Rapat")
    expert, other = InstructorFactory(name="Dr. Rina"), InstructorFactory(name="Budi")
    start = at(DAY, 8)
    kept = SessionFactory(venue=hall, instructor=expert, start=start)
    SessionFactory(venue=room, instructor=other, start=start + datetime.timedelta(days=1))
    chosen = hall if subject == "venue" else expert

    response = hr_client.get(
        reverse("training:hr-calendar"), {"date": DAY.isoformat(), subject: chosen.pk}
    )

    shown = [s for cell in _cells(response).values() for s in cell["sessions"]]
    assert shown == [kept]
    assert chosen.name in re.search(
        r'id="calendar-subject">(.*?)<', response.content.decode()
    ).group(1)


def test_venue_and_instructor_lists_link_to_their_calendar(hr_client):
    hall, expert = VenueFactory(), InstructorFactory()

    venues = hr_client.get(reverse("training:hr-venues")).content.decode()
    instructors = hr_client.get(reverse("training:hr-instructors")).content.decode()

    assert f"/kepegawaian/sesi/kalender/?venue={hall.pk}" in venues
    assert f"/kepegawaian/sesi/kalender/?instructor={expert.pk}" in instructors


def test_administrator_calendar_shows_one_district_at_a_time_in_constant_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from districts.models import District
    from tests.factories import UserFactory

    district("asemrowo"), district("plaju")
    first, second = District.objects.order_by("name", "pk")[:2]  # the first by name is shown
    start = at(DAY, 8)
    here = SessionFactory(program__district=first, district=first, start=start)
    there = SessionFactory(program__district=second, district=second, start=start)
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))

    def calendar(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                reverse("training:hr-calendar"), {"date": DAY.isoformat(), **query}
            )
        assert response.status_code == 200
        shown = {s for cell in _cells(response).values() for s in cell["sessions"]}
        return len(captured.captured_queries), shown, response

    queries, shown, response = calendar()
    assert shown == {here}
    html = response.content.decode()
    assert f'<option value="{first.pk}" selected>' in html  # the chooser names it
    assert f"district={first.pk}" in response.context["filter_query"]  # kept when paging
    assert calendar(district=second.pk)[1] == {there}
    for hour in range(9, 15):  # more sessions in the district shown: the same queries
        SessionFactory(program__district=first, district=first, start=at(DAY, hour))
    more, shown, _response = calendar()
    assert len(shown) == 7
    assert more == queries
