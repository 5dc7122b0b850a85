import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts.models import CivilServant, Holiday, ScheduleEntry, WorkUnit
from tests.factories import (
    CivilServantFactory,
    ScheduleEntryFactory,
    WorkUnitFactory,
    district,
    local,
)

pytestmark = pytest.mark.django_db


def test_supervisor_cycle_is_refused():
    top = CivilServantFactory()
    middle = CivilServantFactory(supervisor=top)
    bottom = CivilServantFactory(supervisor=middle)
    top.supervisor = bottom

    with pytest.raises(ValidationError) as caught:
        top.full_clean()

    assert "supervisor" in caught.value.message_dict


def test_own_supervisor_is_refused_by_clean_and_database():
    person = CivilServantFactory()
    person.supervisor = person

    with pytest.raises(ValidationError):
        person.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


def test_supervisor_chain_without_cycle_is_accepted():
    top = CivilServantFactory()
    middle = CivilServantFactory(supervisor=top)
    bottom = CivilServantFactory()
    bottom.supervisor = middle

    bottom.full_clean()


@pytest.mark.parametrize(
    ("asn_type", "rank", "valid"),
    [
        ("PNS", "III/a", True),
        ("PNS", "IV/e", True),
        ("CPNS", "II/a", True),
        ("PNS", "IX", False),
        ("PPPK", "IX", True),
        ("PPPK", "XVII", True),
        ("PPPK", "III/a", False),
    ],
)
def test_rank_must_match_asn_type(asn_type, rank, valid):
    person = CivilServantFactory.build(
        asn_type=asn_type, rank=rank, work_unit=WorkUnitFactory(), user=None
    )
    person.user = CivilServantFactory().user  # any user; only the rank matters here
    person.user_id = person.user.pk

    if valid:
        errors = _errors(person)
        assert "rank" not in errors
    else:
        assert "rank" in _errors(person)


def _errors(person):
    try:
        person.full_clean(validate_unique=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_nip_stored_without_spaces_after_clean():
    person = CivilServantFactory.build(
        nip="19860926 201505 1 123",
        birth_date=datetime.date(1986, 9, 26),
        gender="male",
        email="ayu@example.test",
        work_unit=WorkUnitFactory(),
        user=CivilServantFactory().user,
    )

    person.full_clean(validate_unique=False)

    assert person.nip == "198609262015051123"


def test_nip_gender_mismatch_is_reported_on_the_field():
    person = CivilServantFactory.build(
        nip="198609262015051123",
        birth_date=datetime.date(1986, 9, 26),
        gender="female",
        work_unit=WorkUnitFactory(),
        user=CivilServantFactory().user,
    )

    assert "nip" in _errors(person)


def test_work_unit_of_another_district_is_refused():
    person = CivilServantFactory.build(
        district=district("plaju"),
        work_unit=WorkUnitFactory(district=district("mulyorejo")),
        user=CivilServantFactory().user,
    )

    assert "work_unit" in _errors(person)


# Database constraints: each rejects what it should, on PostgreSQL and SQLite alike.


def test_db_refuses_duplicate_nip():
    person = CivilServantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CivilServantFactory(nip=person.nip, user__username="other")


def test_db_refuses_nip_of_wrong_length():
    with pytest.raises(IntegrityError), transaction.atomic():
        CivilServantFactory(nip="12345", user__username="short")


def test_db_refuses_schedule_entry_ending_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntryFactory(start=local(2026, 12, 7, 10), end=local(2026, 12, 7, 9))


def test_db_refuses_zero_length_schedule_entry():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntryFactory(start=local(2026, 12, 7, 10), end=local(2026, 12, 7, 10))


def test_db_refuses_leave_without_leave_type():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntryFactory(kind=ScheduleEntry.Kind.LEAVE, leave_type="")


def test_db_refuses_leave_type_on_a_duty_shift():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleEntryFactory(kind=ScheduleEntry.Kind.DUTY_SHIFT, leave_type="sakit")


def test_pppk_cannot_take_long_service_leave():
    entry = ScheduleEntryFactory.build(
        civil_servant=CivilServantFactory(asn_type="PPPK"),
        kind="leave",
        leave_type="besar",
    )

    with pytest.raises(ValidationError) as caught:
        entry.full_clean()

    assert "leave_type" in caught.value.message_dict


def test_db_refuses_duplicate_work_unit_code_in_a_district():
    WorkUnitFactory(code="PEM")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkUnitFactory(code="PEM")


def test_db_refuses_duplicate_national_holiday():
    Holiday.objects.create(date=datetime.date(2027, 1, 1), name="Tahun Baru", kind="libur_nasional")
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(
            date=datetime.date(2027, 1, 1), name="Tahun Baru", kind="libur_nasional"
        )


def test_db_refuses_regional_holiday_without_district():
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(date=datetime.date(2027, 5, 1), name="Hari Jadi", kind="regional")


def test_work_unit_parent_must_be_in_same_district():
    parent = WorkUnitFactory(district=district("plaju"))
    unit = WorkUnit(
        district=district("mulyorejo"), parent=parent, name="Seksi", code="X", kind="seksi"
    )

    with pytest.raises(ValidationError) as caught:
        unit.full_clean()

    assert "parent" in caught.value.message_dict


def test_district_zone_label_follows_the_iana_zone():
    place = district("mulyorejo")
    place.time_zone = "Asia/Makassar"
    assert place.zone_label == "WITA"
    place.time_zone = "Asia/Jayapura"
    assert place.zone_label == "WIT"


def test_civil_servant_display_groups_the_nip():
    person = CivilServantFactory(
        nip="198609262015051007",
        name="Ayu Lestari",
        front_title="dr.",
        back_title="M.Kes.",
        birth_date=datetime.date(1986, 9, 26),
    )

    assert str(person) == "dr. Ayu Lestari, M.Kes. (19860926 201505 1 007)"
    assert CivilServant.objects.get(pk=person.pk).nip_display == "19860926 201505 1 007"
