""" "This year" follows the zone of the person's or district's place.

At 31 December 2026, 23.30 WIB (16.30 UTC) it is already 1 January 2027,
00.30 WITA: a WITA district has reached the new year, a WIB one has not.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from districts.models import District
from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    SessionFactory,
    district,
    hr_officer,
)
from training.services import roster
from training.services.dashboards import store, summary
from training.services.dashboards.access import viewer_for

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TURN = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 23.30 WIB, 00.30 WITA


@pytest.fixture
def wita():
    return District.objects.create(
        name="Mariso",
        slug="mariso",
        level="kecamatan",
        parent_city="Kota Makassar",
        province="Sulawesi Selatan",
        bps_code="73.71.01",
        time_zone="Asia/Makassar",
        certificate_template="{seq:03d}/BKPSDM-MKS/{year}",
    )


@pytest.fixture
def at_the_turn():
    with time_machine.travel(TURN, tick=False):
        yield


def people_with_2026_training(wita):
    """Return a WIB and a WITA civil servant, each with 8 JP completed in June 2026."""
    wib_person = CivilServantFactory(district=district("mulyorejo"))
    wita_person = CivilServantFactory(district=wita)
    for person in (wib_person, wita_person):
        CompletionRecordFactory(
            civil_servant=person, completion_date=datetime.date(2026, 6, 1), jp_credited=8
        )
    return wib_person, wita_person


def test_home_jp_progress_counts_the_year_of_the_persons_place(client, wita, at_the_turn):
    wib_person, wita_person = people_with_2026_training(wita)
    progress = {}
    for person in (wib_person, wita_person):
        client.force_login(person.user)
        response = client.get(reverse("home"))
        progress[person.district.slug] = (
            response.context["progress"]["year"],
            response.context["progress"]["earned"],
        )

    assert progress == {"mulyorejo": (2026, 8), "mariso": (2027, 0)}


def test_my_training_counts_the_year_of_the_persons_place(client, wita, at_the_turn):
    _wib_person, wita_person = people_with_2026_training(wita)
    client.force_login(wita_person.user)

    response = client.get(reverse("training:my_training"))

    assert (response.context["progress"]["year"], response.context["progress"]["earned"]) == (
        2027,
        0,
    )


def test_dashboard_person_page_shows_the_year_of_the_persons_place(client, wita, at_the_turn):
    wib_person, wita_person = people_with_2026_training(wita)
    client.force_login(hr_officer(district("mulyorejo"), wita).user)

    years = {
        person.district.slug: client.get(
            reverse("training:dashboard-person", args=[person.pk]), {"as": "hr"}
        ).context["progress"]["year"]
        for person in (wib_person, wita_person)
    }

    assert years == {"mulyorejo": 2026, "mariso": 2027}


def test_dashboard_default_year_is_the_hr_districts_year(client, wita, at_the_turn):
    years = {}
    for place in (district("mulyorejo"), wita):
        client.force_login(hr_officer(place).user)
        response = client.get(reverse("training:dashboard"))
        criteria = response.context["criteria"]
        years[place.slug] = (criteria.year, criteria.year_start)

    assert years == {
        "mulyorejo": (
            2026,
            datetime.datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")),
        ),
        "mariso": (2027, datetime.datetime(2027, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))),
    }


def test_dashboard_summaries_are_kept_for_each_districts_year(wita, at_the_turn):
    cache.clear()
    wib_officer = hr_officer(district("mulyorejo"))
    wita_officer = hr_officer(wita)

    summary.refresh_snapshots(now=TURN)

    wib_viewer, wita_viewer = viewer_for(wib_officer.user), viewer_for(wita_officer.user)
    assert store.snapshot(wib_viewer, 2026, TURN) is not None
    assert store.snapshot(wita_viewer, 2027, TURN) is not None
    assert store.snapshot(wita_viewer, 2026, TURN) is None


def test_certificate_numbers_start_again_with_the_districts_new_year(wita):
    # Two evening sessions ending at the same instant: 23.10 WIB, 00.10 WITA on 1 January.
    end = datetime.datetime(2026, 12, 31, 16, 10, tzinfo=UTC)
    numbers = {}
    for place in (district("mulyorejo"), wita):
        session = SessionFactory(
            district=place, start=end - datetime.timedelta(hours=3), end=end, capacity=5
        )
        enrollment = EnrollmentFactory(session=session, status="attended")
        [record] = roster.record_completion(
            session=session,
            results={enrollment.pk: {"score": 80, "passed": True, "jp_credited": 8}},
            actor=None,
            now=end + datetime.timedelta(minutes=30),
        )
        numbers[place.slug] = (
            record.completion_date,
            record.certificate_number,
            place.certificate_template.format(seq=1, year=record.completion_date.year),
        )

    assert numbers["mulyorejo"][0] == datetime.date(2026, 12, 31)
    assert numbers["mariso"] == (
        datetime.date(2027, 1, 1),
        "001/BKPSDM-MKS/2027",
        "001/BKPSDM-MKS/2027",
    )
    assert numbers["mulyorejo"][1] == numbers["mulyorejo"][2]
    assert numbers["mulyorejo"][1].endswith("/2026")
