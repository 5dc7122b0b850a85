import pytest
from django.core.management import call_command

from districts.models import CivilServant, ScheduleEntry, WorkUnit
from districts.nip import parse_nip
from training.models import CompletionRecord, Enrollment, TrainingProgram, TrainingSession

pytestmark = pytest.mark.django_db

MODELS = [
    CivilServant,
    WorkUnit,
    ScheduleEntry,
    TrainingProgram,
    TrainingSession,
    Enrollment,
    CompletionRecord,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_gives_the_same_counts(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert 250 <= first["CivilServant"] <= 350
    output = capsys.readouterr().out
    assert "Demo data already present." in output
    assert "PortalASN-2026" in output


def test_seed_demo_nips_are_valid_and_match_the_people():
    call_command("seed_demo")

    for person in CivilServant.objects.all():
        parsed = parse_nip(
            person.nip, asn_type=person.asn_type, gender=person.gender, birth_date=person.birth_date
        )
        assert parsed.digits == person.nip
        person.full_clean()


def test_seed_demo_reporting_lines_are_three_levels_deep():
    call_command("seed_demo")

    deepest = CivilServant.objects.filter(supervisor__supervisor__isnull=False)
    assert deepest.exists()
    for place in ("mulyorejo", "plaju", "asemrowo", "sawahlunto"):
        assert CivilServant.objects.filter(
            district__slug=place, supervisor__supervisor__isnull=False
        ).exists()


def test_seed_demo_asn_has_a_shift_overlapping_an_enrolled_session():
    call_command("seed_demo")

    from training.demo import DEMO_SHIFT_NOTE

    shift = ScheduleEntry.objects.get(note=DEMO_SHIFT_NOTE, civil_servant__district__slug="plaju")
    assert Enrollment.objects.filter(
        civil_servant=shift.civil_servant,
        status="approved",
        session__start__lt=shift.end,
        session__end__gt=shift.start,
    ).exists()


def test_seed_demo_never_fills_a_session_beyond_capacity():
    from django.db.models import Count, F, Q

    call_command("seed_demo")

    overfull = TrainingSession.objects.annotate(
        held=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING))
    ).filter(held__gt=F("capacity"))
    assert list(overfull) == []


def test_every_demo_login_in_the_readme_works(client):
    import re

    from django.conf import settings

    from training.demo import DEMO_PASSWORD

    call_command("seed_demo")
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    logins = re.findall(r"^\| [^|]+ \| [^|]+ \| `([^`]+)` \| ([^|]+) \|$", readme, re.M)

    assert len(logins) == 13
    assert f"**`{DEMO_PASSWORD}`**" in readme
    for login, name in logins:
        client.logout()
        response = client.post("/akun/login/", {"username": login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        home = client.get("/")
        assert name.strip().split(",")[0] in home.text or login == "admin", login


def test_seed_demo_after_createsuperuser_still_seeds_and_keeps_the_password():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "a@example.test", "Rahasia-Sekali-9")

    call_command("seed_demo")

    assert CivilServant.objects.count() > 250
    assert get_user_model().objects.get(username="admin").check_password("Rahasia-Sekali-9")


def test_seed_demo_waitlists_are_older_than_anyone_joining_now():
    import datetime

    from django.utils import timezone

    call_command("seed_demo")

    waitlisted = Enrollment.objects.filter(status="waitlisted")
    assert waitlisted.exists()
    assert not waitlisted.filter(
        waitlisted_at__gte=timezone.now() - datetime.timedelta(days=1)
    ).exists()
    for session in TrainingSession.objects.filter(enrollments__status="waitlisted").distinct():
        times = list(
            session.enrollments.filter(status="waitlisted")
            .order_by("id")
            .values_list("waitlisted_at", flat=True)
        )
        assert times == sorted(times)
        assert len(set(times)) == len(times)
