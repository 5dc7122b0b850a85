"""Demo data for needs, plans, invitations and budget: gaps to see, plans in every state.

Built after the people and sessions of each district, from them only (no
clock beyond the demo's ``today``), so it is the same on every run:

- the programs state the competencies they develop (the nine of the
  catalogue, seeded by a migration);
- every unit requires public-service quality and complaint handling, shift
  units also health protocols (valid three years), and positions require
  their own (data-management applications for a Pranata Komputer, ...);
  the demo ASN has an individual need (time management);
- the demo ASN's team has a plan in every state (draft, awaiting the
  supervisor, returned with a note, approved);
- HR invited the demo ASN to an upcoming session that closes one of their
  gaps (the invitation waits for an answer), and a colleague declined one;
- the district's yearly budget has a ceiling 5 % above what is committed, so
  the next costly session is warned about.
"""

import datetime
from decimal import Decimal

from django.db.models import Q

from districts.models import CivilServant, District, WorkUnit

from ..models import (
    BudgetCeiling,
    Competency,
    CompetencyRequirement,
    DevelopmentPlan,
    IndividualNeed,
    Invitation,
    PlanItem,
    TrainingProgram,
    TrainingSession,
)
from ..services import budget
from ..services.competencies import seed_starter_competencies
from .data import DEMO_SHIFT_NOTE

# Program code → the competencies (names as seeded) it develops.
DEVELOPS = {
    "EGOV": ["Aplikasi e-government"],
    "WAKTU": ["Manajemen waktu"],
    "YANLIK": ["Kualitas pelayanan publik"],
    "KOMPUB": ["Komunikasi publik"],
    "KEUDA": ["Manajemen keuangan"],
    "SATUDATA": ["Aplikasi pengelolaan data"],
    "PIMWAS": ["Kepemimpinan"],
    "PROKES": ["Protokol kesehatan"],
    "LAPOR": ["Penanganan pengaduan", "Aplikasi e-government"],
    "MAGANG": ["Kualitas pelayanan publik"],
}
EVERY_UNIT = ["Kualitas pelayanan publik", "Penanganan pengaduan"]
SHIFT_UNITS = ["Protokol kesehatan"]
POSITIONS = {
    "Pranata Komputer Ahli Pertama": ["Aplikasi pengelolaan data", "Aplikasi e-government"],
    "Analis Kebijakan Ahli Muda": ["Komunikasi publik"],
    "Petugas Layanan Front Office": ["Komunikasi publik"],
    "Camat": ["Kepemimpinan", "Manajemen keuangan"],
    "Sekretaris Kecamatan": ["Kepemimpinan", "Manajemen keuangan"],
}
STATES = ["submitted", "returned", "approved", "draft"]


def build_planning(*, district: District, today: datetime.date, now: datetime.datetime) -> None:
    """Add the district's needs, plans, invitations and budget ceiling."""
    seed_starter_competencies(district=district)
    competencies = {c.name: c for c in Competency.objects.filter(district=district)}
    programs = {p.code: p for p in TrainingProgram.objects.filter(district=district)}
    for code, names in DEVELOPS.items():
        if code in programs:
            for name in names:
                competencies[name].programs.add(programs[code])
    requirements = []
    for unit in WorkUnit.objects.filter(district=district).order_by("code"):
        names = EVERY_UNIT + (SHIFT_UNITS if unit.works_in_shifts else [])
        requirements += [
            CompetencyRequirement(competency=competencies[name], district=district, work_unit=unit)
            for name in names
        ]
    for title, names in POSITIONS.items():
        requirements += [
            CompetencyRequirement(
                competency=competencies[name], district=district, position_title=title
            )
            for name in names
        ]
    CompetencyRequirement.objects.bulk_create(requirements)
    competencies["Protokol kesehatan"].validity_years = 3
    competencies["Protokol kesehatan"].save(update_fields=["validity_years"])

    demo = (
        CivilServant.objects.filter(district=district, schedule_entries__note=DEMO_SHIFT_NOTE)
        .select_related("supervisor")
        .first()
    )
    hr_user = district.hr_staff.order_by("pk").first()
    if demo is None or demo.supervisor is None:
        return
    IndividualNeed.objects.create(
        competency=competencies["Manajemen waktu"],
        civil_servant=demo,
        note="Hasil penilaian kinerja semester lalu.",
        created_by=hr_user,
    )
    _plans(demo, competencies, programs, today, now)
    _invitations(district, demo, hr_user, now)
    _ceiling(district, today, now)


def _plans(demo, competencies, programs, today, now) -> None:
    team = [demo] + list(
        CivilServant.objects.filter(supervisor=demo.supervisor)
        .exclude(pk=demo.pk)
        .order_by("nip")[: len(STATES) - 1]
    )
    items = [
        ("Komunikasi publik", "KOMPUB", "", 8),
        ("Manajemen waktu", None, "E-learning Manajemen Waktu (LAN, ASN Unggul)", 6),
        ("Kualitas pelayanan publik", "YANLIK", "", 12),
    ]
    for person, state in zip(team, STATES, strict=False):
        plan = DevelopmentPlan.objects.create(
            civil_servant=person,
            year=today.year,
            status=state,
            submitted_at=None if state == "draft" else now - datetime.timedelta(days=3),
            decided_at=now - datetime.timedelta(days=1)
            if state in ("returned", "approved")
            else None,
            supervisor_note=(
                "Tambahkan pelatihan protokol kesehatan untuk unit layanan."
                if state == "returned"
                else ""
            ),
        )
        PlanItem.objects.bulk_create(
            [
                PlanItem(
                    plan=plan,
                    competency=competencies[name],
                    program=programs.get(code) if code else None,
                    outside_learning=outside,
                    jp_planned=jp,
                )
                for name, code, outside, jp in items
            ]
        )


def _invitations(district, demo, hr_user, now) -> None:
    upcoming = TrainingSession.objects.filter(
        district=district,
        status=TrainingSession.Status.PUBLISHED,
        start__gt=now,
        program__competencies__name__in=["Manajemen waktu", "Kualitas pelayanan publik"],
    ).order_by("start", "pk")
    taken = Q(enrollments__civil_servant=demo) & ~Q(
        enrollments__status__in=["cancelled", "rejected"]
    )
    session = upcoming.exclude(taken).first()
    if session is None:
        return
    Invitation.objects.create(session=session, civil_servant=demo, invited_by=hr_user)
    colleague = (
        CivilServant.objects.filter(supervisor=demo.supervisor).exclude(pk=demo.pk).order_by("nip")
    ).last()
    if colleague is not None:
        Invitation.objects.create(
            session=session,
            civil_servant=colleague,
            invited_by=hr_user,
            status=Invitation.Status.DECLINED,
            answered_at=now,
        )


def _ceiling(district, today, now) -> None:
    (line,) = [
        line
        for line in budget.budget_lines(district=district, year=today.year, now=now)
        if line.ceiling is None
    ][:1] or [None]
    if line is None:
        return
    committed = line.spent + line.planned
    amount = (
        (committed * Decimal("1.05")).quantize(Decimal(100000))
        if committed
        else Decimal(10_000_000)
    )
    BudgetCeiling.objects.create(district=district, year=today.year, amount=amount)
