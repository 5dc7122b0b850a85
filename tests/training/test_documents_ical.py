"""Calendar invitations and the feed: organiser, sequence, UIDs and the feed's address.

Everything is read back with the icalendar parser.
"""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    SessionFactory,
    at,
    district,
    next_working_day,
    session_day,
)
from tests.training.selfservice_helpers import days_ahead
from training.messages import ical
from training.models import TrainingSession
from training.services import scheduling

pytestmark = pytest.mark.django_db


def _event(data: bytes) -> icalendar.Event:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")[0]


def _feed_events(client, person) -> dict:
    client.force_login(person.user)
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()
    client.logout()
    response = client.get(reverse("training:calendar_feed", args=[person.calendar_token]))
    return {
        str(event["uid"]): event
        for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_organizer_is_the_district_hr_mailbox(settings):
    settings.DEFAULT_FROM_EMAIL = "Portal Pelatihan ASN <noreply@portal-asn.local>"
    mulyorejo = district("mulyorejo")
    mulyorejo.hr_email = "kepegawaian@mulyorejo.go.id"
    mulyorejo.save()
    session = SessionFactory(district=mulyorejo, start=days_ahead(9))
    elsewhere = SessionFactory(district=district("plaju"), start=days_ahead(9))
    person = CivilServantFactory()

    event = _event(ical.invitation(session, person=person, now=timezone.now()))
    fallback = _event(ical.invitation(elsewhere, person=person, now=timezone.now()))

    assert str(event["organizer"]) == "mailto:kepegawaian@mulyorejo.go.id"
    assert event["organizer"].params["CN"] == "Mulyorejo"
    assert str(fallback["organizer"]) == "mailto:noreply@portal-asn.local"


def test_sequence_is_a_counter_raised_on_every_change_and_the_feed_agrees(client, officer):
    person = CivilServantFactory()
    session = SessionFactory(start=at(session_day(), 8), capacity=5)
    EnrollmentFactory(session=session, civil_servant=person)
    now = timezone.now()

    first = _event(ical.invitation(session, person=person, now=now))
    scheduling.update_session(
        session=session, data={"capacity": 5}, actor=officer.user, now=now
    )  # nothing changed: the same sequence
    session.refresh_from_db()
    unchanged = _event(ical.invitation(session, person=person, now=now))
    new_start = at(next_working_day(session_day()), 9)
    scheduling.update_session(
        session=session,
        data={"start": new_start, "end": new_start + datetime.timedelta(hours=3)},
        actor=officer.user,
        now=now,
    )
    session.refresh_from_db()
    moved = _event(ical.invitation(session, person=person, now=now + datetime.timedelta(hours=1)))
    in_feed = _feed_events(client, person)[str(moved["uid"])]
    scheduling.cancel_session(session=session, reason="Narasumber sakit", actor=officer.user)
    session.refresh_from_db()
    cancelled = _event(ical.invitation(session, person=person, now=now, cancel=True))

    assert [first["sequence"], unchanged["sequence"], moved["sequence"]] == [0, 0, 1]
    assert in_feed["sequence"] == moved["sequence"]
    assert in_feed.decoded("dtstart") == new_start
    assert cancelled["sequence"] == 2
    assert TrainingSession.objects.get(pk=session.pk).sequence == 2


def test_uids_do_not_depend_on_the_portal_address(settings):
    session = SessionFactory(start=days_ahead(9))
    person = CivilServantFactory()

    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    before = _event(ical.invitation(session, person=person, now=timezone.now()))["uid"]
    settings.PORTAL_BASE_URL = "https://pelatihan.example.go.id"
    after = _event(ical.invitation(session, person=person, now=timezone.now()))["uid"]

    assert before == after == f"sesi-{session.pk}@portal-pelatihan-asn"


def test_feed_address_follows_the_request_host_when_the_base_url_is_not_set(client, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    settings.PORTAL_BASE_URL_SET = False
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    person = CivilServantFactory()
    client.force_login(person.user)
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()

    page = client.get(reverse("training:schedule"), HTTP_HOST="127.0.0.1:9000")

    path = reverse("training:calendar_feed", args=[person.calendar_token])
    assert page.context["feed_url"] == f"http://127.0.0.1:9000{path}"
    assert page.context["webcal_url"] == f"webcal://127.0.0.1:9000{path}"
    assert "127.0.0.1:8000" not in page.content.decode()
