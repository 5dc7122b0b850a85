"""Two HR officers adding people to the last seat at the same moment (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import CivilServantFactory, SessionFactory, district, hr_officer, local
from training.models import Enrollment
from training.services import roster


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_adding_the_last_seat_at_once_yield_one_enrolment():
    day = timezone.localdate() + datetime.timedelta(days=14)
    session = SessionFactory(capacity=1, start=local(day.year, day.month, day.day, 8))
    officers = [hr_officer(district("mulyorejo")) for _ in range(2)]
    people = CivilServantFactory.create_batch(2)
    barrier = threading.Barrier(2)
    errors = []

    def add(officer, person):
        try:
            barrier.wait(timeout=10)
            roster.add_people(
                session=session, people=[person], actor=officer.user, now=timezone.now()
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(officer, person))
        for officer, person in zip(officers, people, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    statuses = sorted(Enrollment.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == ["approved", "waitlisted"]
