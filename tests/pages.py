"""The page catalogue every page checker shares: every URL the portal serves, for each role.

It walks Django's URL resolver (every pattern, every namespace), so a new page
is covered without anyone adding it here. For each pattern it derives

- the **roles** that use it, from the URL's prefix (``AUDIENCES``: ``kepegawaian/``
  is HR, ``saya/`` the civil servant, ...);
- its **arguments**, from the kwarg names resolved against a :class:`World` of
  objects (a session, a program, a venue, an enrolment, a person, an import job,
  ...): ``<int:pk>`` takes the object named by the path segment before it
  (``sesi/<pk>`` a session, ``tempat/<pk>`` a venue; ``SEGMENT_OBJECTS``), other
  kwargs take the world's values of that name (``fmt`` → ``csv`` and ``xlsx``).

A pattern the catalogue cannot place (a new prefix, a new segment or kwarg) is
reported by ``unplaced()``, and ``tests/test_pages.py`` fails on it until the
pattern is placed or listed in ``EXCLUDED`` with a reason.

The world comes from factories in tests (:func:`build_world`, every object made
valid by construction relative to ``now``), or from an existing database by
querying it (:func:`world_from_database`, for a benchmark over a large dataset).
The same ``pages(world)`` list serves axe-core, the Nu HTML Checker, the access
matrix (every page × anonymous, ASN, supervisor, HR of district A, HR of
district B, administrator) and a crawl for timing.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

ANONYMOUS, ASN, SUPERVISOR, HR_A, HR_B, ADMIN = (
    "anonymous",
    "asn",
    "supervisor",
    "hr_a",
    "hr_b",
    "admin",
)
ROLES = (ANONYMOUS, ASN, SUPERVISOR, HR_A, HR_B, ADMIN)
PUBLIC = "public"  # anyone, signed in or not
PEOPLE = (ASN, SUPERVISOR, HR_A, HR_B)  # every role that is a civil servant
SIGNED_IN = (*PEOPLE, ADMIN)


@dataclass(frozen=True)
class Audience:
    """Who may use a prefix's pages: its lists, and its pages about one object.

    An object page points at one of district A's objects (the ASN's enrolment,
    a session of A...): only ``objects`` may see it; everyone else gets 404
    (HR of district B above all: the scoping promise).
    """

    lists: tuple[str, ...]
    objects: tuple[str, ...] | None = None

    def roles(self, has_object: bool) -> tuple[str, ...]:
        return self.objects if has_object and self.objects is not None else self.lists


# Who uses the pages under each prefix (the longest prefix wins).
AUDIENCES = {
    "": Audience(SIGNED_IN),  # the role-aware home page (the empty route only)
    "healthz": Audience((PUBLIC,)),
    "akun/login/": Audience((ANONYMOUS,)),
    # Forgotten password: for anyone (signed in or not) who lost it.
    "akun/lupa-sandi/": Audience((PUBLIC,)),
    "akun/atur-sandi/": Audience((PUBLIC,)),
    "akun/": Audience(SIGNED_IN),
    "i18n/": Audience((PUBLIC,)),
    "admin/": Audience((ADMIN,)),
    "kepegawaian/": Audience((HR_A, HR_B, ADMIN), objects=(HR_A, ADMIN)),
    "dasbor/": Audience((HR_A, HR_B, SUPERVISOR, ADMIN)),
    "dasbor/pegawai/": Audience((), objects=(HR_A, SUPERVISOR, ADMIN)),
    "dasbor/kompetensi/": Audience(
        (HR_A, HR_B, SUPERVISOR, ADMIN), objects=(HR_A, SUPERVISOR, ADMIN)
    ),
    # Evaluation reports: HR of the session's district, supervisors of its participants.
    "dasbor/evaluasi/": Audience(
        (HR_A, HR_B, SUPERVISOR, ADMIN), objects=(HR_A, SUPERVISOR, ADMIN)
    ),
    "saya/": Audience(PEOPLE, objects=(ASN,)),
    "saya/sesi/": Audience(PEOPLE, objects=(ASN, SUPERVISOR, HR_A)),
    # A meeting's check-in page: anyone who may see the session, told if not enrolled.
    "saya/hadir/": Audience(PEOPLE, objects=(ASN, SUPERVISOR, HR_A)),
    "saya/persetujuan/": Audience((SUPERVISOR,)),
    "saya/rencana-tim/": Audience((SUPERVISOR,)),
    "saya/evaluasi-perilaku/": Audience((SUPERVISOR,), objects=(SUPERVISOR,)),
    "bentrok/": Audience(PEOPLE, objects=(ASN,)),
    "bentrok/tim/": Audience((SUPERVISOR,)),
    "verifikasi/": Audience((PUBLIC,)),
    # Outside learning: the claims to verify (each user's own list), one claim and its evidence.
    "belajar-mandiri/": Audience(SIGNED_IN, objects=(ASN, SUPERVISOR, HR_A, ADMIN)),
    "kalender/": Audience((PUBLIC,)),
}

# ``<int:pk>`` after this path segment is the world's object of this name.
SEGMENT_OBJECTS = {
    "sesi": "session",
    "program": "program",
    "tempat": "venue",
    "narasumber": "instructor",
    "impor": "import_job",
    "pendaftaran": "enrollment",
    "persetujuan": "request",
    "jadwal": "schedule_entry",
    "sertifikat": "certificate",
    "pegawai": "person",
    "bentrok": "enrollment",
    "notifikasi": "notification",
    "wilayah": "district",
    "kompetensi": "competency",
    "undangan": "invitation",
    "rencana-tim": "plan",
    "belajar-mandiri": "outside_learning",
    "evaluasi-perilaku": "behaviour_evaluation",
    "token-api": "api_token",
}

# ... unless the segment after it names an action that needs an object in
# another state (feedback is given on an attended enrolment).
ACTION_OBJECTS = {"umpan-balik": "attended"}

# Patterns no page checker visits, each with its reason.
EXCLUDED = {
    "admin:*": "Django's own admin templates (checked upstream); only its index is crawled",
    "django.views.static.serve": "static files in DEBUG, not pages",
    # The REST API answers JSON, not HTML pages; its own matrix walks every route
    # (tests/training/test_api_matrix.py) and Chromium renders its docs
    # (tests/training/test_api_browser.py: Swagger UI, a third party's page).
    "api:*": "the REST API (JSON) and its Swagger UI: checked by tests/training/test_api_*.py",
}
ADMIN_CRAWLED = {"admin:index"}


@dataclass
class World:
    """The people and objects the catalogue's URLs point at.

    ``users`` maps each role to a user (``None`` for anonymous); ``objects``
    maps names (``session``, ``enrollment``...) to model instances of district
    A, visible to the roles that use them; ``values`` maps other URL kwargs to
    the values to visit (``fmt``: ``["csv", "xlsx"]``).
    """

    users: dict
    objects: dict
    values: dict = field(default_factory=dict)

    def value(self, kwarg: str, segment: str, after: str = "", name: str = "") -> list[str]:
        if f"{name}.{kwarg}" in self.values:  # a kwarg whose name another page uses too
            return [str(item) for item in self.values[f"{name}.{kwarg}"]]
        if kwarg == "pk":
            name = ACTION_OBJECTS.get(after) or SEGMENT_OBJECTS[segment]
            return [str(self.objects[name].pk)]
        if kwarg.endswith("_pk"):
            return [str(self.objects[kwarg.removesuffix("_pk")].pk)]
        values = [str(item) for item in self.values[kwarg] if item]
        if not values:
            raise KeyError(kwarg)
        return values


@dataclass(frozen=True)
class Page:
    """One concrete URL of one pattern, with the roles that use it."""

    name: str
    path: str
    roles: tuple[str, ...]  # who may use it; every other role is refused
    has_object: bool  # points at one of district A's objects

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles

    def crawl_roles(self) -> tuple[str, ...]:
        """Return the roles a page checker visits this page as.

        HR of district B is left out: their pages are district A's HR pages
        with other rows, and visiting them again would only double the time.
        """
        if self.public:
            return (ANONYMOUS,)
        return tuple(role for role in self.roles if role != HR_B)


@dataclass(frozen=True)
class Pattern:
    name: str  # "training:hr-session" (namespace:name) or the view's dotted path
    route: str  # "kepegawaian/sesi/<int:pk>/"
    pattern: URLPattern


def patterns() -> list[Pattern]:
    """Return every URL pattern of the project, through every include and namespace."""
    found: list[Pattern] = []

    def walk(entries, prefix: str, namespace: str) -> None:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}{entry.namespace}:"
                walk(entry.url_patterns, route, inner)
            else:
                callback = entry.callback
                name = namespace + (entry.name or f"{callback.__module__}.{callback.__name__}")
                found.append(Pattern(name=name, route=route, pattern=entry))

    walk(get_resolver().url_patterns, "", "")
    return found


def excluded_reason(pattern: Pattern) -> str | None:
    if pattern.name in ADMIN_CRAWLED:
        return None
    for key, reason in EXCLUDED.items():
        if pattern.name == key or (key.endswith("*") and pattern.name.startswith(key[:-1])):
            return reason
    return None


_KWARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_KWARG = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def audience(route: str) -> Audience | None:
    """Return the audience of the longest prefix in ``AUDIENCES`` (``""`` only for ``""``)."""
    plain = route.lstrip("^").rstrip("$")
    matches = [prefix for prefix in AUDIENCES if plain.startswith(prefix)]
    if plain:
        matches = [prefix for prefix in matches if prefix]
    return AUDIENCES[max(matches, key=len)] if matches else None


def kwargs_of(route: str) -> list[tuple[str, str, str]]:
    """Return ``(kwarg, segment before it, segment after it)`` for each kwarg of the route."""
    result = []
    for match in itertools.chain(_KWARG.finditer(route), _REGEX_KWARG.finditer(route)):
        before = route[: match.start()].rstrip("/").split("/")[-1]
        after = route[match.end() :].lstrip("/").split("/")[0]
        result.append((match.group("name"), before, after))
    return result


def problem(pattern: Pattern, world: World | None = None) -> str | None:
    """Return why the catalogue cannot place ``pattern``, or None if it can."""
    if audience(pattern.route) is None:
        return f"no audience for the prefix of {pattern.route!r} (add it to AUDIENCES)"
    for kwarg, segment, after in kwargs_of(pattern.route):
        if kwarg == "pk" and segment not in SEGMENT_OBJECTS:
            return f"no object for <pk> after {segment!r} (add it to SEGMENT_OBJECTS)"
        if world is not None:
            try:
                world.value(kwarg, segment, after, pattern.name)
            except KeyError:
                return f"the world has no value for {kwarg!r} (after {segment!r})"
    return None


def unplaced(world: World | None = None) -> list[str]:
    """Return each pattern neither placed nor excluded, with what is missing."""
    return [
        f"{item.name} ({item.route}): {reason}"
        for item in patterns()
        if excluded_reason(item) is None and (reason := problem(item, world))
    ]


def pages(world: World) -> list[Page]:
    """Return every concrete page of the catalogue for ``world`` (one per kwarg combination)."""
    from django.urls import reverse

    result = []
    for item in patterns():
        if excluded_reason(item) is not None or problem(item, world) is not None:
            continue
        item_name = item.name
        named = kwargs_of(item.route)
        choices = [world.value(*item, item_name) for item in named]
        for combination in itertools.product(*choices):
            kwargs = {kwarg: value for (kwarg, _, _), value in zip(named, combination, strict=True)}
            if item.pattern.name:
                path = reverse(item.name, kwargs=kwargs)
            else:
                path = "/" + item.route.lstrip("^").rstrip("$")
            has_object = any(k == "pk" or k.endswith("_pk") for k in kwargs)
            roles = audience(item.route).roles(has_object)
            result.append(Page(item.name, path, roles, has_object))
    return result


# --- Building the world ------------------------------------------------------


def build_world(now: datetime.datetime | None = None) -> World:
    """Make, with the test factories, one of every object a page can point at.

    District A (Mulyorejo) holds everything; an ASN works under a supervisor
    there, enrolled in a published session that clashes with a duty shift,
    waitlisted in a full one, with a request awaiting the supervisor, an
    attended and certified past session, a notification and an import job.
    HR of district B (Plaju) is the outsider. Dates are working days after
    ``now``, so the world is valid on any day.
    """
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tests import factories as f
    from training.models import (
        BehaviourEvaluation,
        Competency,
        CompetencyRequirement,
        DevelopmentPlan,
        Enrollment,
        ImportJob,
        Institution,
        Invitation,
        Notification,
        OutsideLearning,
        TrainingSession,
    )
    from training.services import api_tokens

    now = now or timezone.now()
    today = timezone.localtime(now, f.JAKARTA).date()
    a, b = f.district("mulyorejo"), f.district("plaju")

    def at(days: int, hour: int) -> datetime.datetime:
        return f.at(f.next_working_day(today, days=days), hour)

    hr_a, hr_b = f.hr_officer(a, name="Yusuf Utomo"), f.hr_officer(b, name="Sari Wijaya")
    boss = f.CivilServantFactory(district=a, name="Irfan Lubis", position_type="administrator")
    asn = f.CivilServantFactory(
        district=a, name="Nanda Ramadhan", supervisor=boss, email="nanda@example.test"
    )
    colleague = f.CivilServantFactory(district=a, name="Dewi Lestari", supervisor=boss)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.test", f.PASSWORD)

    venue = f.VenueFactory(district=a, name="Aula Kecamatan", capacity=40)
    instructor = f.InstructorFactory(district=a, name="Dr. Rina Kartika")
    program = f.ProgramFactory(district=a, title="Pelayanan Prima", code="PP-01")
    session = f.SessionFactory(
        district=a, program=program, venue=venue, instructor=instructor, start=at(10, 8)
    )
    enrollment = f.EnrollmentFactory(session=session, civil_servant=asn)
    f.ScheduleEntryFactory(
        civil_servant=asn, start=at(10, 7), end=at(10, 10), note="Shift loket pagi"
    )
    full = f.SessionFactory(district=a, program=program, venue=venue, start=at(12, 13), capacity=1)
    f.EnrollmentFactory(session=full, civil_servant=colleague)
    f.EnrollmentFactory(
        session=full, civil_servant=asn, status=Enrollment.Status.WAITLISTED, waitlisted_at=now
    )
    approval = f.ProgramFactory(
        district=a, title="Kepemimpinan Pengawas", requires_supervisor_approval=True
    )
    request = f.EnrollmentFactory(
        session=f.SessionFactory(district=a, program=approval, venue=venue, start=at(14, 8)),
        civil_servant=colleague,
        status=Enrollment.Status.REQUESTED,
    )
    f.SessionFactory(
        district=a, program=program, venue=venue, start=at(16, 8), status="draft", capacity=25
    )
    past_day = today - datetime.timedelta(days=30)
    past = f.SessionFactory(
        district=a,
        program=program,
        venue=venue,
        start=datetime.datetime(past_day.year, past_day.month, past_day.day, 8, tzinfo=f.JAKARTA),
        status=TrainingSession.Status.COMPLETED,
    )
    attended = f.EnrollmentFactory(
        session=past, civil_servant=asn, status=Enrollment.Status.COMPLETED
    )
    certificate = f.CompletionRecordFactory(
        civil_servant=asn,
        program=program,
        session=past,
        completion_date=past_day,
        certificate_number=f"001/BKPSDM-MUL/{past_day.year}",
        participant_name=asn.name,
        participant_nip=asn.nip,
        issued_at=now,
    )
    asn.calendar_token = "world-calendar-token"
    asn.save(update_fields=["calendar_token"])
    notification = Notification.objects.create(
        recipient=asn,
        title="Jadwal Anda bentrok dengan Pelayanan Prima",
        url=f"/bentrok/#enrollment-{enrollment.pk}",
    )
    job = ImportJob(
        district=a, kind="personnel", original_name="pegawai.csv", uploaded_by=hr_a.user
    )
    job.file.save("pegawai.csv", ContentFile(b"NIP;Nama\n"), save=False)
    job.save()
    api_token, _secret = api_tokens.create_token(
        user=hr_a.user,
        name="SIMPEG",
        scope="write",
        expires_at=now + datetime.timedelta(days=90),
        actor=hr_a.user,
    )

    competency = Competency.objects.get_or_create(
        district=a, name="Kualitas pelayanan publik", defaults={"kind": "sosial_kultural"}
    )[0]
    competency.programs.add(program, approval)
    CompetencyRequirement.objects.create(
        competency=competency, district=a, work_unit=colleague.work_unit
    )
    invitation = Invitation.objects.create(
        session=request.session, civil_servant=asn, invited_by=hr_a.user
    )
    plan = DevelopmentPlan.objects.create(civil_servant=asn, year=today.year, status="submitted")
    plan.items.create(competency=competency, program=program, jp_planned=8)
    follow_up = BehaviourEvaluation.objects.create(
        completion=certificate, enrollment=attended, rater=boss, requested_at=now
    )
    claim = OutsideLearning(
        civil_servant=asn,
        district=a,
        method="seminar",
        title="Seminar Pelayanan Publik",
        institution=Institution.objects.create(name="Universitas Airlangga"),
        competency_kind="teknis",
        start_date=past_day,
        end_date=past_day,
        hours=6,
        jp_claimed=8,
        evidence_type="application/pdf",
        submitted_at=now,
    )
    claim.evidence.save("sertifikat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    claim.save()

    from training.services.conflicts import conflicts_for_person

    clash = next(
        item
        for item in conflicts_for_person(person_id=asn.pk, now=now)
        if item.enrollment_id == enrollment.pk
    )
    return World(
        users={
            ANONYMOUS: None,
            ASN: asn.user,
            SUPERVISOR: boss.user,
            HR_A: hr_a.user,
            HR_B: hr_b.user,
            ADMIN: admin,
        },
        objects={
            "session": session,
            "program": program,
            "venue": venue,
            "instructor": instructor,
            "enrollment": enrollment,
            "attended": attended,
            "request": request,
            "schedule_entry": asn.schedule_entries.first(),
            "certificate": certificate,
            "person": asn,
            "notification": notification,
            "import_job": job,
            "district": a,
            "competency": competency,
            "invitation": invitation,
            "plan": plan,
            "outside_learning": claim,
            "behaviour_evaluation": follow_up,
            "api_token": api_token,
            "meeting": session.meetings.first(),
        },
        values=_values(certificate, asn, clash.fingerprint),
    )


def _values(certificate, person, fingerprint: str) -> dict:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from training.hr.views.roster import ACTIONS
    from training.services.dashboards.dashboard import TABLE_KEYS

    return {
        # The link of a password-reset email for the ASN.
        "password_reset_confirm.uidb64": [urlsafe_base64_encode(force_bytes(person.user.pk))],
        "password_reset_confirm.token": [default_token_generator.make_token(person.user)],
        "code": [certificate.verification_code],
        "token": [person.calendar_token],
        "fingerprint": [fingerprint],
        "fmt": ["csv", "xlsx"],
        "kind": ["personnel", "schedule"],
        "key": [key for key in TABLE_KEYS if key != "budget"],
        "training:evaluation-export.key": ["programs", "instructors"],
        "action": sorted(ACTIONS)[:1],
    }


def world_from_database(district_slug: str, other_slug: str, now=None, asn_id=None) -> World:
    """Pick, from an existing database (a benchmark's or the demo's), one of every object.

    District ``district_slug`` is A, ``other_slug`` B. The ASN is an active
    person of A with a supervisor and an upcoming enrolment (``LookupError``
    if there is none; ``asn_id`` picks one); each other object is the first that fits. An object the
    database lacks is left out, and ``unplaced(world)`` names the pages it
    leaves unvisited.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from districts.models import CivilServant, District, ScheduleEntry
    from training.models import (
        ApiToken,
        BehaviourEvaluation,
        Competency,
        CompletionRecord,
        DevelopmentPlan,
        Enrollment,
        ImportJob,
        Instructor,
        Invitation,
        Notification,
        OutsideLearning,
        Venue,
    )

    now = now or timezone.now()
    a, b = District.objects.get(slug=district_slug), District.objects.get(slug=other_slug)

    def first(queryset, what, *, required=False):
        item = queryset.order_by("pk").first()
        if item is None and required:
            raise LookupError(f"the database has no {what} in {a}")
        return item

    enrollment = first(
        Enrollment.objects.filter(
            session__district=a,
            status__in=Enrollment.ACTIVE,
            session__start__gt=now,
            civil_servant__supervisor__isnull=False,
            **({"civil_servant_id": asn_id} if asn_id else {}),
        ).select_related("civil_servant__supervisor", "session"),
        "upcoming enrolment of a person with a supervisor",
        required=True,
    )
    asn = enrollment.civil_servant
    issued = CompletionRecord.objects.filter(certificate_number__isnull=False)
    certificate = first(issued.filter(civil_servant=asn), "certificate") or first(
        issued.filter(district=a), "certificate", required=True
    )
    from training.services.conflicts import conflicts_for_person

    clashes = conflicts_for_person(person_id=asn.pk, now=now)
    world = World(
        users={
            ANONYMOUS: None,
            ASN: asn.user,
            SUPERVISOR: asn.supervisor.user,
            HR_A: first(a.hr_staff.all(), "HR officer", required=True),
            HR_B: first(b.hr_staff.all(), "HR officer", required=True),
            ADMIN: first(
                get_user_model().objects.filter(is_superuser=True), "administrator", required=True
            ),
        },
        objects={
            "session": enrollment.session,
            "program": enrollment.session.program,
            "venue": first(Venue.objects.filter(district=a), "venue"),
            "instructor": first(Instructor.objects.filter(district=a), "instructor"),
            "enrollment": enrollment,
            "attended": first(
                Enrollment.objects.filter(
                    civil_servant__district=a,
                    status__in=(Enrollment.Status.ATTENDED, Enrollment.Status.COMPLETED),
                ),
                "attended enrolment",
            ),
            "request": first(
                Enrollment.objects.filter(
                    status=Enrollment.Status.REQUESTED, civil_servant__supervisor=asn.supervisor
                ),
                "request awaiting the supervisor",
            ),
            "schedule_entry": first(ScheduleEntry.objects.filter(civil_servant=asn), "entry"),
            "certificate": certificate,
            "person": asn,
            "notification": first(Notification.objects.filter(recipient=asn), "notification"),
            "import_job": first(ImportJob.objects.filter(district=a), "import job"),
            "district": a,
            "competency": first(Competency.objects.filter(district=a), "competency"),
            "invitation": first(Invitation.objects.filter(civil_servant=asn), "invitation"),
            "plan": first(
                DevelopmentPlan.objects.filter(civil_servant__supervisor=asn.supervisor),
                "development plan",
            ),
            "outside_learning": first(
                OutsideLearning.objects.filter(civil_servant=asn), "outside learning"
            ),
            "behaviour_evaluation": first(
                BehaviourEvaluation.objects.filter(rater=asn.supervisor, answered_at__isnull=True),
                "unanswered follow-up of the supervisor",
            ),
            "api_token": first(ApiToken.objects.filter(user__managed_districts=a), "API token"),
            "meeting": enrollment.session.meetings.first(),
        },
        values=_values(
            certificate,
            CivilServant.objects.get(pk=asn.pk),
            clashes[0].fingerprint if clashes else "none",
        ),
    )
    world.objects = {name: item for name, item in world.objects.items() if item is not None}
    return world
