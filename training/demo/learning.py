"""Demo outside learning: claims in every state, for the demo ASN and a few colleagues.

Built after the people and the calendar, from their data only (people ordered
by NIP, dates counted back from the day of seeding), so it is the same on
every machine. Claims are written directly, without notices: the demo sends
no email.
"""

import datetime
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from districts.models import CivilServant, District

from ..models import CompletionRecord, Institution, OutsideLearning
from .data import DEMO_SHIFT_NOTE, UNIVERSITIES

# title, method, organiser (None: the district's university), competency kind,
# days ago it ended, length in days, hours, status, JP credited (verified) or reason.
CLAIMS = [
    (
        "Seminar Nasional Inovasi Pelayanan Publik",
        "seminar",
        None,
        "teknis",
        40,
        1,
        6,
        "verified",
        8,
    ),
    (
        "MOOC Literasi Digital ASN",
        "e_learning",
        "Lembaga Administrasi Negara",
        "teknis",
        12,
        10,
        15,
        "submitted",
        None,
    ),
    (
        "Lokakarya Penulisan Laporan Kinerja",
        "workshop",
        None,
        "manajerial",
        70,
        2,
        12,
        "returned",
        "Sertifikat tidak mencantumkan jumlah jam; unggah sertifikat lengkap.",
    ),
]
OTHERS = [
    ("Magang Pelayanan Terpadu Satu Pintu", "internship", "Pemerintah Kota Surabaya",
     "teknis", 55, 3, 24, "verified", 24),
    ("Coaching Kepemimpinan Pengawas", "coaching", "Lembaga Administrasi Negara",
     "manajerial", 20, 1, 4, "submitted", None),
    ("Benchmarking Mal Pelayanan Publik", "benchmarking", "Kementerian PANRB",
     "sosial_kultural", 90, 1, 8, "verified", 8),
]  # fmt: skip


def certificate_png(title: str, name: str) -> bytes:
    """Return a small picture of a certificate, as a phone photo of it would be."""
    image = Image.new("RGB", (480, 320), (250, 246, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 311), outline=(120, 90, 40), width=4)
    draw.text((30, 40), "SERTIFIKAT", fill=(60, 40, 20))
    draw.text((30, 100), name[:60], fill=(0, 0, 0))
    draw.text((30, 140), title[:60], fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_learning(*, today: datetime.date) -> None:
    """Give every district's demo ASN claims in each state, and two colleagues more."""
    for district in District.objects.order_by("name"):
        demo = (
            CivilServant.objects.filter(district=district, schedule_entries__note=DEMO_SHIFT_NOTE)
            .select_related("supervisor__user")
            .first()
        )
        if demo is None or demo.supervisor is None:
            continue
        colleagues = list(
            CivilServant.objects.filter(district=district, supervisor__isnull=False, is_active=True)
            .exclude(pk=demo.pk)
            .select_related("supervisor__user")
            .order_by("nip")[:3]
        )
        for row in CLAIMS:
            _claim(district, demo, row, today)
        for person, row in zip(colleagues, OTHERS, strict=False):
            _claim(district, person, row, today)


def _claim(district, person, row, today) -> OutsideLearning:
    title, method, organiser, kind, ago, days, hours, status, outcome = row
    end = today - datetime.timedelta(days=ago)
    start = end - datetime.timedelta(days=days - 1)
    institution, _ = Institution.objects.get_or_create(
        name=organiser or UNIVERSITIES.get(district.slug, "Universitas Terbuka")
    )
    decided_by = person.supervisor.user if status != "submitted" else None
    claim = OutsideLearning(
        civil_servant=person,
        district=district,
        method=method,
        title=title,
        institution=institution,
        competency_kind=kind,
        start_date=start,
        end_date=end,
        hours=hours,
        jp_claimed=outcome if isinstance(outcome, int) else max(hours * 60 // 45, 1),
        jp_credited=outcome if status == "verified" else None,
        evidence_type="image/png",
        status=status,
        return_reason=outcome if status == "returned" else "",
        decided_by=decided_by,
        decided_at=_noon(district, end + datetime.timedelta(days=3)) if decided_by else None,
        submitted_at=_noon(district, end + datetime.timedelta(days=1)),
    )
    claim.evidence.save(
        "sertifikat.png", ContentFile(certificate_png(title, person.full_name)), save=False
    )
    claim.save()
    if status == "verified":
        CompletionRecord.objects.create(
            civil_servant=person,
            district=district,
            outside_learning=claim,
            completion_date=end,
            jp_credited=outcome,
            passed=True,
        )
    return claim


def _noon(district, day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=district.tzinfo)
