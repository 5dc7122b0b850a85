"""Writes for the competency catalogue: a competency, what develops it, who needs it."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import CivilServant

from ..models import Competency, CompetencyRequirement, IndividualNeed

EDITABLE_FIELDS = ("name", "kind", "description", "validity_years", "is_active")

# The competencies the portal's source articles name (data, in Indonesian); the
# migration that added competencies seeded them for the places that existed then.
STARTER_COMPETENCIES = [
    ("Aplikasi e-government", "teknis", "Menggunakan aplikasi layanan pemerintahan elektronik."),
    ("Aplikasi pengelolaan data", "teknis", "Mengelola dan menganalisis data dengan aplikasi."),
    ("Manajemen waktu", "manajerial", "Merencanakan dan memprioritaskan pekerjaan."),
    (
        "Kualitas pelayanan publik",
        "sosial_kultural",
        "Standar dan mutu pelayanan kepada masyarakat.",
    ),
    ("Komunikasi publik", "sosial_kultural", "Menyampaikan informasi kepada masyarakat."),
    ("Manajemen keuangan", "teknis", "Perencanaan, penatausahaan dan pelaporan keuangan."),
    ("Kepemimpinan", "manajerial", "Memimpin tim dan perubahan."),
    ("Protokol kesehatan", "teknis", "Menerapkan protokol kesehatan di tempat kerja."),
    ("Penanganan pengaduan", "teknis", "Menangani pengaduan masyarakat dengan aplikasinya."),
]


def seed_starter_competencies(*, district) -> None:
    """Give the district the nine starter competencies it does not have yet."""
    for name, kind, description in STARTER_COMPETENCIES:
        Competency.objects.get_or_create(
            district=district, name=name, defaults={"kind": kind, "description": description}
        )


def save_competency(
    *,
    competency: Competency,
    data: dict,
    programs,
    units,
    positions: list[str],
    people: list[CivilServant],
    actor: AbstractBaseUser,
) -> Competency:
    """Save the competency with its programs, required units and positions, individual needs.

    Everything is replaced by what the form holds, in one transaction.
    """
    for name in EDITABLE_FIELDS:
        setattr(competency, name, data[name])
    with transaction.atomic():
        taken = Competency.objects.filter(district_id=competency.district_id, name=competency.name)
        if taken.exclude(pk=competency.pk).exists():
            raise ValidationError(
                {"name": _("This district already has a competency of this name.")}
            )
        competency.full_clean()
        competency.save()
        competency.programs.set(programs)
        competency.requirements.all().delete()
        requirements = [
            CompetencyRequirement(
                competency=competency, district_id=competency.district_id, work_unit=unit
            )
            for unit in units
        ] + [
            CompetencyRequirement(
                competency=competency, district_id=competency.district_id, position_title=title
            )
            for title in positions
        ]
        for requirement in requirements:
            requirement.full_clean()
        CompetencyRequirement.objects.bulk_create(requirements)
        competency.individual_needs.exclude(civil_servant__in=people).delete()
        existing = set(competency.individual_needs.values_list("civil_servant_id", flat=True))
        IndividualNeed.objects.bulk_create(
            [
                IndividualNeed(competency=competency, civil_servant=person, created_by=actor)
                for person in people
                if person.pk not in existing
            ]
        )
    return competency
