"""Rough edges 2 and 3: a quota above the venue's seats warns; JP and seats are bounded."""

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, SessionFactory, VenueFactory, district
from tests.training.hr_helpers import session_form
from training.models import AuditEntry, TrainingProgram, TrainingSession, Venue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_quota_above_the_venue_seats_warns_and_needs_a_reason(hr_client):
    program, venue = ProgramFactory(), VenueFactory(capacity=12)
    form = session_form(program, venue, capacity="50")

    first = hr_client.post(reverse("training:hr-session-create"), form)
    second = hr_client.post(
        reverse("training:hr-session-create"), {**form, "override_reason": "Kursi tambahan"}
    )

    assert first.status_code == 200
    assert [w.kind for w in first.context["warnings"]] == ["seats"]
    assert "Kuota 50 melebihi 12 kursi tempat ini." in first.content.decode()
    assert second.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.capacity, session.override_reason) == (50, "Kursi tambahan")
    override = session.audit_entries.get(action=AuditEntry.Action.WARNING_OVERRIDDEN)
    assert "Kuota 50 melebihi 12 kursi" in override.detail


def test_quota_within_the_venue_seats_or_unknown_seats_needs_no_reason(hr_client):
    program = ProgramFactory()
    fits = hr_client.post(
        reverse("training:hr-session-create"),
        session_form(program, VenueFactory(capacity=12), capacity="12"),
    )
    unknown = hr_client.post(
        reverse("training:hr-session-create"),
        session_form(program, VenueFactory(capacity=None), capacity="50"),
    )

    assert (fits.status_code, unknown.status_code) == (302, 302)


def test_raising_the_quota_above_the_seats_on_edit_warns(hr_client):
    session = SessionFactory(venue=VenueFactory(capacity=12), capacity=10)
    url = reverse("training:hr-session-edit", args=[session.pk])
    data = {
        key: value
        for key, value in session_form(session.program, session.venue, capacity="30").items()
        if key not in {"program", "repeat_weeks", "extra_dates"}
    }
    data["date"] = session.start.astimezone(session.district.tzinfo).date().isoformat()

    response = hr_client.post(url, data)

    assert response.status_code == 200
    assert [w.kind for w in response.context["warnings"]] == ["seats"]
    session.refresh_from_db()
    assert session.capacity == 10


@pytest.mark.parametrize("jp", ["1001", "99999999999"])
def test_program_jp_is_bounded_like_the_completion_form(hr_client, jp):
    response = hr_client.post(
        reverse("training:hr-program-create"),
        {
            "district": district("mulyorejo").pk,
            "code": "EGOV",
            "title": "Lokakarya E-Government",
            "competency_kind": "teknis",
            "form": "klasikal",
            "method": "workshop",
            "jp_credited": jp,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["jp_credited"] == [
        "Pastikan nilai ini lebih kecil dari atau sama dengan 1000."
    ]
    assert not TrainingProgram.objects.exists()


@pytest.mark.parametrize("seats", ["10001", "999999999999"])
def test_venue_seats_are_bounded(hr_client, seats):
    response = hr_client.post(
        reverse("training:hr-venue-create"),
        {"name": "Aula", "address": "", "capacity": seats, "district": district("mulyorejo").pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "Pastikan nilai ini lebih kecil dari atau sama dengan 10000."
    ]
    assert not Venue.objects.exists()
