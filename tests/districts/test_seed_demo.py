import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

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


def test_every_demo_login_in_the_readme_works(client, capsys):
    import re

    from django.conf import settings

    from training.demo import DEMO_PASSWORD

    call_command("seed_demo")
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| ([^|]+) \| ([^|]+) \| `([^`]+)` \| ([^|]+) \|$", readme, re.M)
    printed = [
        tuple(cell.strip() for cell in line.split(" | "))
        for line in capsys.readouterr().out.splitlines()
        if line.count(" | ") == 3
    ]
    logins = [(login, name) for _district, _role, login, name in table]

    assert printed[1:] == [tuple(cell.strip() for cell in row) for row in table]
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


def demo_identity():
    """Return what must not depend on the day of seeding: people, units, programs, logins."""
    from training.demo import demo_logins

    return {
        "people": list(
            CivilServant.objects.order_by("nip").values_list(
                "nip",
                "name",
                "back_title",
                "asn_type",
                "rank",
                "position_title",
                "district__slug",
                "work_unit__code",
                "supervisor__nip",
            )
        ),
        "units": list(
            WorkUnit.objects.order_by("district__slug", "code").values_list(
                "district__slug", "code", "name", "parent__code", "works_in_shifts"
            )
        ),
        "programs": list(
            TrainingProgram.objects.order_by("district__slug", "code").values_list(
                "district__slug", "code", "title", "jp_credited"
            )
        ),
        "logins": [(x.district, x.role, x.login, x.name) for x in demo_logins()],
    }


def calendar_problems(today: datetime.date) -> list[str]:
    """Return what is wrong with the demo calendar seeded on ``today`` (empty when all is well)."""
    from districts.models import Holiday
    from training.demo import DEMO_SHIFT_NOTE

    holidays = set(Holiday.objects.values_list("date", flat=True))
    problems = []
    for session in TrainingSession.objects.select_related("district"):
        day = session.start.astimezone(session.district.tzinfo).date()
        if day.weekday() >= 5 or day in holidays:
            problems.append(f"session {session.pk} on {day:%A %Y-%m-%d}")
    for entry in ScheduleEntry.objects.exclude(kind="duty_shift").select_related(
        "civil_servant__district"
    ):
        day = entry.start.astimezone(entry.civil_servant.district.tzinfo).date()
        if day.weekday() >= 5 or day in holidays:
            problems.append(f"{entry.kind} {entry.pk} from {day:%A %Y-%m-%d}")
    for slug in ("asemrowo", "mulyorejo", "plaju", "sawahlunto"):
        in_place = TrainingSession.objects.filter(district__slug=slug)
        if not in_place.filter(status="published", start__date__gt=today).exists():
            problems.append(f"{slug}: no upcoming published session")
        if not in_place.filter(status="completed", end__date__lt=today).exists():
            problems.append(f"{slug}: no completed session")
        if not Enrollment.objects.filter(session__district__slug=slug, status="waitlisted"):
            problems.append(f"{slug}: no waitlist")
        if not CompletionRecord.objects.filter(
            district__slug=slug, passed=True, completion_date__lt=today
        ).exclude(certificate_number=""):
            problems.append(f"{slug}: no certificate")
        shift = ScheduleEntry.objects.get(civil_servant__district__slug=slug, note=DEMO_SHIFT_NOTE)
        if not Enrollment.objects.filter(
            civil_servant=shift.civil_servant,
            status="approved",
            session__start__lt=shift.end,
            session__end__gt=shift.start,
            session__start__date__gt=today,
        ).exists():
            problems.append(f"{slug}: the demo ASN has no upcoming clash")
    return problems


def test_seed_demo_is_the_same_on_any_day_and_only_the_calendar_follows_it():
    from training.demo import seed_demo

    days = [
        datetime.date(2026, 12, 7),  # a Monday
        datetime.date(2026, 12, 6),  # a Sunday
        datetime.date(2026, 12, 24),  # cuti bersama, the day before Christmas
        datetime.date(2028, 2, 29),  # a leap day in a year with no holiday data
    ]
    identities, problems = [], {}
    for today in days:
        with transaction.atomic():
            seed_demo(today=today)
            identities.append(demo_identity())
            problems[today] = calendar_problems(today)
            transaction.set_rollback(True)

    assert len(identities[0]["people"]) > 250
    assert all(identity == identities[0] for identity in identities[1:])
    assert problems == {today: [] for today in days}
