"""Demo data for the four places: people, units, programs, sessions, schedules.

Everything is generated in one transaction, and only when the demo has not
been seeded before, so a second run changes nothing. Each concept of each
district (people, calendar, seats, shifts, absences) draws from its own
generator, seeded by name: the people, NIPs, units, reporting lines, programs
and logins are the same on every date and machine, and only the calendar
follows the day of seeding (sessions on working days that are not holidays).

The static material is in :mod:`.data`, the people and work units are built by
:mod:`.people`, the training calendar by :mod:`.sessions`, the sessions with several meetings
by :mod:`.meetings`.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from districts.models import CivilServant, District, ScheduleEntry
from districts.scoping import HR_GROUP

from .attendance import add_attendance
from .data import ADMIN_USERNAME, DEMO_PASSWORD, DEMO_SHIFT_NOTE, DemoLogin
from .learning import build_evaluation, build_learning
from .meetings import MeetingsBuilder
from .people import PeopleBuilder
from .planning import build_planning
from .sessions import TrainingBuilder

__all__ = [
    "ADMIN_USERNAME",
    "DEMO_PASSWORD",
    "DEMO_SHIFT_NOTE",
    "DemoBuilder",
    "DemoLogin",
    "demo_logins",
    "seed_demo",
]


class DemoBuilder(PeopleBuilder, TrainingBuilder, MeetingsBuilder):
    def __init__(self, *, today: datetime.date, stdout=None):
        self.people_rng = None
        self.today = today
        self.password_hash = make_password(DEMO_PASSWORD)
        self.nip_sequence = 0
        self.logins: list[DemoLogin] = []
        self.user_model = get_user_model()
        self.hr_group, _ = Group.objects.get_or_create(name=HR_GROUP)

    def random_for(self, concept: str, district: District) -> random.Random:
        """Return the generator of one concept of one district's demo data.

        :mod:`random` hashes a string seed with SHA-512, so it gives the same
        numbers on every machine and Python run (unlike ``hash()``).
        """
        return random.Random(f"asn-demo:{concept}:{district.slug}")

    def build(self):
        from districts.models import Holiday

        for district in District.objects.order_by("name"):
            holidays = set(
                Holiday.objects.filter(Q(district__isnull=True) | Q(district=district)).values_list(
                    "date", flat=True
                )
            )
            self._build_district(district, holidays)
            build_planning(
                district=district, today=self.today, now=self._local(district, self.today, 12)
            )
        build_learning(today=self.today)
        build_evaluation(today=self.today)
        add_attendance()
        # An administrator created before the demo (createsuperuser) keeps their password.
        if not self.user_model.objects.filter(username=ADMIN_USERNAME).exists():
            self.user_model.objects.create(
                username=ADMIN_USERNAME,
                is_staff=True,
                is_superuser=True,
                email="admin@portal-asn.local",
                password=self.password_hash,
            )
        self.logins.insert(
            0, DemoLogin("(semua)", "Administrator", ADMIN_USERNAME, "Administrator")
        )


def demo_logins() -> list[DemoLogin]:
    """Return the demo logins of an already seeded database, in a stable order."""
    logins = [DemoLogin("(semua)", "Administrator", ADMIN_USERNAME, "Administrator")]
    for district in District.objects.order_by("name"):
        hr = CivilServant.objects.filter(user__managed_districts=district).first()
        head = CivilServant.objects.filter(district=district, supervisor__isnull=True).first()
        demo = CivilServant.objects.filter(
            district=district, schedule_entries__note=DEMO_SHIFT_NOTE
        ).first()
        for role, person in (("HR", hr), ("Supervisor", head), ("ASN", demo)):
            if person is not None:
                logins.append(DemoLogin(district.name, role, person.nip, person.full_name))
    return logins


def seed_demo(*, today: datetime.date) -> bool:
    """Seed the demo data once; return False when it was already there."""
    if ScheduleEntry.objects.filter(note=DEMO_SHIFT_NOTE).exists():
        return False
    with transaction.atomic():
        DemoBuilder(today=today).build()
    return True
