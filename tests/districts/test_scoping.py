import pytest
from django.http import Http404

from districts.models import CivilServant, ScheduleEntry
from districts.scoping import scope_for
from tests.factories import (
    CivilServantFactory,
    ScheduleEntryFactory,
    SessionFactory,
    UserFactory,
    district,
    hr_officer,
)
from training.models import TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Plaju and Mulyorejo, each with a three-level reporting line."""
    plaju, mulyorejo = district("plaju"), district("mulyorejo")
    camat = CivilServantFactory(district=plaju, name="Camat Plaju")
    kasi = CivilServantFactory(district=plaju, supervisor=camat, name="Kasi")
    staff = CivilServantFactory(district=plaju, supervisor=kasi, name="Staf")
    peer = CivilServantFactory(district=plaju, supervisor=camat, name="Kasi lain")
    other = CivilServantFactory(district=mulyorejo, name="Orang Mulyorejo")
    return {
        "camat": camat,
        "kasi": kasi,
        "staff": staff,
        "peer": peer,
        "other": other,
        "plaju": plaju,
        "mulyorejo": mulyorejo,
    }


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_hr_of_plaju_sees_no_mulyorejo_person_or_session(org):
    hr = hr_officer(org["plaju"], name="HR Plaju")
    SessionFactory(district=org["plaju"])
    foreign = SessionFactory(district=org["mulyorejo"])
    scope = scope_for(hr.user).as_hr()

    assert "Orang Mulyorejo" not in names(scope.people())
    assert names(scope.people()) == ["Camat Plaju", "HR Plaju", "Kasi", "Kasi lain", "Staf"]
    assert not scope.filter(TrainingSession.objects.all()).filter(pk=foreign.pk).exists()
    with pytest.raises(Http404):
        scope.get_or_404(TrainingSession, pk=foreign.pk)


def test_supervisor_sees_exactly_their_subtree(org):
    scope = scope_for(org["camat"].user).as_supervisor()

    assert names(scope.people()) == ["Kasi", "Kasi lain", "Staf"]


def test_middle_supervisor_sees_only_below_them(org):
    scope = scope_for(org["kasi"].user).as_supervisor()

    assert names(scope.people()) == ["Staf"]


def test_full_scope_of_a_supervisor_includes_themself(org):
    scope = scope_for(org["kasi"].user)

    assert names(scope.people()) == ["Kasi", "Staf"]


def test_asn_sees_only_themself(org):
    ScheduleEntryFactory(civil_servant=org["staff"])
    ScheduleEntryFactory(civil_servant=org["peer"])
    scope = scope_for(org["staff"].user)

    assert names(scope.people()) == ["Staf"]
    assert list(
        scope.filter(ScheduleEntry.objects.all()).values_list("civil_servant__name", flat=True)
    ) == ["Staf"]
    with pytest.raises(Http404):
        scope.get_or_404(CivilServant, pk=org["peer"].pk)


def test_asn_acting_as_hr_sees_nothing_and_is_refused(org):
    scope = scope_for(org["staff"].user).as_hr()

    assert names(scope.people()) == []
    with pytest.raises(Http404):
        scope.require_hr()


def test_administrator_sees_everyone(org):
    admin = UserFactory(username="root-admin", is_superuser=True, is_staff=True)

    assert scope_for(admin).people().count() == CivilServant.objects.count()


def test_inactive_person_scope_sees_nothing(org):
    org["staff"].is_active = False
    org["staff"].save()

    assert names(scope_for(org["staff"].user).people()) == []
