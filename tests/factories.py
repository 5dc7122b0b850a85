"""Factories for tests: valid NIPs, people in districts, programs, sessions."""

import datetime
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from districts.models import CivilServant, District, Holiday, ScheduleEntry, WorkUnit
from districts.scoping import HR_GROUP
from training.models import (
    CompletionRecord,
    Enrollment,
    Instructor,
    Meeting,
    TrainingProgram,
    TrainingSession,
    Venue,
)

PASSWORD = "pass-Word-123"
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")

PLACES = {
    "mulyorejo": ("Mulyorejo", "kecamatan", "Kota Surabaya", "Jawa Timur", "35.78.26"),
    "asemrowo": ("Asemrowo", "kecamatan", "Kota Surabaya", "Jawa Timur", "35.78.28"),
    "plaju": ("Plaju", "kecamatan", "Kota Palembang", "Sumatera Selatan", "16.71.14"),
    "sawahlunto": ("Sawahlunto", "kota", "", "Sumatera Barat", "13.73"),
}


def district(slug: str = "mulyorejo") -> District:
    """Return one of the four places (created if a flushed test database lacks it)."""
    name, level, city, province, code = PLACES[slug]
    obj, _ = District.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "level": level,
            "parent_city": city,
            "province": province,
            "bps_code": code,
            "time_zone": "Asia/Jakarta",
            "certificate_template": f"{{seq:03d}}/BKPSDM-{slug[:3].upper()}/{{year}}",
        },
    )
    return obj


def local(year, month, day, hour=0, minute=0, tz=JAKARTA) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


def today() -> datetime.date:
    """Return today in Asia/Jakarta, the zone of the four places."""
    from django.utils import timezone

    return timezone.localdate(timezone=JAKARTA)


def next_working_day(after: datetime.date | None = None, *, days: int = 1) -> datetime.date:
    """Return the first Monday-Friday at least ``days`` after ``after`` that is no loaded holiday.

    ``after`` defaults to today in Asia/Jakarta (the zone of the four places), so
    a date built with it is valid by construction whatever day the tests run.
    """
    day = (after or today()) + datetime.timedelta(days=days)
    holidays = set(Holiday.objects.filter(date__gte=day).values_list("date", flat=True))
    while day.weekday() >= 5 or day in holidays:
        day += datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour=0, minute=0, tz=JAKARTA) -> datetime.datetime:
    """Return ``day`` at ``hour:minute`` in ``tz`` (Asia/Jakarta by default)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def session_day() -> datetime.date:
    """Return the day the factories put sessions and shifts on by default.

    The first working day that is no loaded holiday, a week or more from today:
    open for enrolment, inside the reminder scan (14 days), never a weekend.
    With the clock pinned at ``PINNED_NOW`` (``tests/conftest.py``) it is
    Monday 7 December 2026.
    """
    return next_working_day(days=7)


def make_nip(
    n: int, *, gender: str = "male", birth=datetime.date(1986, 9, 26), asn_type: str = "PNS"
) -> str:
    """Return a valid NIP, distinct for each ``n`` (1-999 per birth date)."""
    gender_digit = "1" if gender == "male" else "2"
    middle = "202301" if asn_type == "PPPK" else "201505"
    return f"{birth:%Y%m%d}{middle}{gender_digit}{n % 999 + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class WorkUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit

    district = factory.LazyFunction(district)
    name = factory.Sequence(lambda n: f"Seksi {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = "seksi"


class CivilServantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CivilServant

    class Params:
        birth = factory.Sequence(
            lambda n: datetime.date(1970 + n // 990 % 30, 1, 1) + datetime.timedelta(days=n // 990)
        )

    nip = factory.LazyAttributeSequence(
        lambda o, n: make_nip(n, gender=o.gender, birth=o.birth_date, asn_type=o.asn_type)
    )
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..nip"))
    asn_type = "PNS"
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    gender = "male"
    birth_date = factory.SelfAttribute("birth")
    rank = factory.LazyAttribute(lambda o: "IX" if o.asn_type == "PPPK" else "III/a")
    position_type = "pelaksana"
    position_title = "Pengadministrasi Perkantoran"
    district = factory.LazyFunction(district)
    work_unit = factory.SubFactory(WorkUnitFactory, district=factory.SelfAttribute("..district"))
    email = factory.LazyAttribute(lambda o: f"{o.nip}@example.test")


def hr_officer(*districts_, **kwargs) -> CivilServant:
    """Return a civil servant who is HR staff of ``districts_``."""
    districts_ = districts_ or (district(),)
    person = CivilServantFactory(district=districts_[0], **kwargs)
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    person.user.groups.add(group)
    for item in districts_:
        item.hr_staff.add(person.user)
    return person


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    district = factory.LazyFunction(district)
    name = factory.Sequence(lambda n: f"Aula {n}")


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"Narasumber {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgram

    district = factory.LazyFunction(district)
    code = factory.Sequence(lambda n: f"PRG{n}")
    title = factory.Sequence(lambda n: f"Pelatihan {n}")
    competency_kind = "teknis"
    form = "klasikal"
    method = "workshop"
    jp_credited = 8


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory, district=factory.SelfAttribute("..district"))
    district = factory.LazyFunction(district)
    venue = factory.SubFactory(VenueFactory, district=factory.SelfAttribute("..district"))
    start = factory.LazyFunction(lambda: at(session_day(), 8))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=4))
    capacity = 20
    status = TrainingSession.Status.PUBLISHED

    @factory.post_generation
    def meetings(self, create, extracted, **kwargs):
        """Give the session its meetings: ``meetings=[(start, end) or {fields}, ...]``, else one.

        With several meetings the session's start and end become their span.
        """
        if not create:
            return
        for item in extracted or [(self.start, self.end)]:
            fields = item if isinstance(item, dict) else {"start": item[0], "end": item[1]}
            fields = {
                "venue": self.venue,
                "instructor": self.instructor,
                "join_link": self.online_url,
                "is_online": bool(self.online_url) and self.venue is None,
                "is_cancelled": self.status == TrainingSession.Status.CANCELLED,
                **fields,
            }
            Meeting.objects.create(session=self, **fields)
        if extracted:
            from training.services.meetings import sync_span

            sync_span(self)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    session = factory.SubFactory(SessionFactory)
    civil_servant = factory.SubFactory(
        CivilServantFactory, district=factory.SelfAttribute("..session.district")
    )
    status = Enrollment.Status.APPROVED


class ScheduleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleEntry

    civil_servant = factory.SubFactory(CivilServantFactory)
    kind = ScheduleEntry.Kind.DUTY_SHIFT
    start = factory.LazyFunction(lambda: at(session_day(), 7))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=7))


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    date = datetime.date(2026, 12, 25)
    name = factory.Sequence(lambda n: f"Libur {n}")
    kind = Holiday.Kind.NATIONAL


class CompletionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompletionRecord

    civil_servant = factory.SubFactory(CivilServantFactory)
    program = factory.SubFactory(
        ProgramFactory, district=factory.SelfAttribute("..civil_servant.district")
    )
    district = factory.SelfAttribute("civil_servant.district")
    completion_date = factory.LazyFunction(lambda: today())
    jp_credited = 8
    passed = True
