"""The API's sessions with their meetings; the join link only to HR and participants."""

import datetime

import pytest

from tests import factories as f
from tests.training.api_helpers import client_with, token_for

pytestmark = pytest.mark.django_db

LINK = "https://zoom.us/j/81234567890"


def two_day_session(district, **kwargs):
    day = f.session_day()
    second = f.next_working_day(day)
    return f.SessionFactory(
        district=district,
        online_url=LINK,
        meetings=[
            (f.at(day, 8), f.at(day, 12)),
            {"start": f.at(second, 13), "end": f.at(second, 16), "venue": None, "is_online": True},
        ],
        **kwargs,
    )


def test_a_session_lists_its_meetings_in_iso_with_venue_and_online():
    hr = f.hr_officer(f.district("mulyorejo"))
    session = two_day_session(hr.district)
    client = client_with(token_for(hr.user, scope="read"))
    body = client.get(f"/api/v1/sessions/{session.pk}/").json()
    meetings = body["meetings"]
    stored = list(session.meetings.order_by("start"))
    assert [datetime.datetime.fromisoformat(m["start"]) for m in meetings] == [
        m.start for m in stored
    ]
    assert [datetime.datetime.fromisoformat(m["end"]) for m in meetings] == [m.end for m in stored]
    assert all(
        "T" in m["start"] and m["start"][-6] in "+-" or m["start"].endswith("Z") for m in meetings
    )
    assert meetings[0]["venue"] == session.venue.name and meetings[0]["is_online"] is False
    assert meetings[1]["venue"] is None and meetings[1]["is_online"] is True
    assert meetings[1]["join_link"] == LINK  # HR of the district sees it, as on the HR form
    alone = client.get(f"/api/v1/sessions/{session.pk}/meetings/").json()
    assert alone == meetings


def test_the_join_link_only_to_a_participant_near_the_start():
    a = f.district("mulyorejo")
    session = two_day_session(a)
    participant = f.EnrollmentFactory(session=session).civil_servant
    participant.user = f.UserFactory()
    participant.save()
    bystander = f.CivilServantFactory(district=a, user=f.UserFactory())
    admin = f.UserFactory(is_superuser=True)
    path = f"/api/v1/sessions/{session.pk}/meetings/"
    assert client_with(token_for(admin)).get(path).json()[1]["join_link"] == LINK
    # Days before the meeting the participant does not see it yet (as the web: 30 minutes).
    early = client_with(token_for(participant.user)).get(path)
    assert early.status_code == 200 and early.json()[1]["join_link"] == ""
    seen = client_with(token_for(bystander.user)).get(f"/api/v1/sessions/{session.pk}/")
    assert seen.status_code == 200
    assert all(m["join_link"] == "" for m in seen.json()["meetings"])


def test_the_join_link_opens_for_a_participant_30_minutes_before(monkeypatch):
    from training.services import meetings as rules

    a = f.district("mulyorejo")
    session = two_day_session(a)
    meeting = session.meetings.order_by("start").last()
    enrolled = f.EnrollmentFactory(session=session)
    shown = rules.join_link_shown
    now = meeting.start - datetime.timedelta(minutes=29)
    assert shown(meeting, taking_part=True, now=now)
    assert not shown(meeting, taking_part=True, now=now - datetime.timedelta(minutes=2))
    assert not shown(meeting, taking_part=False, now=now)
    assert enrolled.status in rules.TAKING_PART


def test_another_districts_session_meetings_are_404():
    hr_b = f.hr_officer(f.district("plaju"))
    session = two_day_session(f.district("mulyorejo"))
    response = client_with(token_for(hr_b.user)).get(f"/api/v1/sessions/{session.pk}/meetings/")
    assert response.status_code == 404
