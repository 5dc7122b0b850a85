"""The same duty shift twice would raise two clashes: refused at the form, the model, the import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from districts.models import ScheduleEntry
from tests.factories import CivilServantFactory
from tests.training.selfservice_helpers import days_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    person = CivilServantFactory()
    client.force_login(person.user)
    return person


def shift(day, **extra):
    return {"kind": "duty_shift", "start": f"{day}T07:00", "end": f"{day}T14:00", **extra}


def test_form_refuses_an_exact_duplicate_at_the_start_field(client, person):
    day = days_ahead(3).date()
    client.post(reverse("training:schedule_add"), shift(day, note="Loket"))

    response = client.post(reverse("training:schedule_add"), shift(day, note="Loket lagi"))

    assert response.status_code == 200
    assert response.context["form"].errors["start"] == ["Entri ini sudah ada di jadwal."]
    assert ScheduleEntry.objects.filter(civil_servant=person).count() == 1


def test_form_accepts_the_same_times_for_another_kind_or_another_person(client, person):
    day = days_ahead(3).date()
    client.post(reverse("training:schedule_add"), shift(day))
    other = CivilServantFactory()
    zone = person.district.tzinfo
    ScheduleEntry.objects.create(
        civil_servant=other,
        kind="duty_shift",
        start=datetime.datetime.combine(day, datetime.time(7), tzinfo=zone),
        end=datetime.datetime.combine(day, datetime.time(14), tzinfo=zone),
    )

    response = client.post(
        reverse("training:schedule_add"), {**shift(day), "kind": "official_travel"}
    )

    assert response.status_code == 302
    assert ScheduleEntry.objects.count() == 3


def test_editing_an_entry_without_change_is_not_a_duplicate_of_itself(client, person):
    day = days_ahead(3).date()
    client.post(reverse("training:schedule_add"), shift(day))
    entry = ScheduleEntry.objects.get()

    response = client.post(
        reverse("training:schedule_edit", args=[entry.pk]), shift(day, note="Catatan")
    )

    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.note == "Catatan"


def test_model_validation_and_database_refuse_a_duplicate(person):
    day = days_ahead(3)
    values = {
        "civil_servant": person,
        "kind": "duty_shift",
        "start": day,
        "end": day + datetime.timedelta(hours=7),
    }
    ScheduleEntry.objects.create(**values)

    with pytest.raises(ValidationError, match="Entri ini sudah ada di jadwal."):
        ScheduleEntry(**values).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntry.objects.create(**values)
