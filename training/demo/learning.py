"""Demo outside learning and evaluation: claims in every state; L1–L3 data.

Built after the people and the calendar, from their data only (people ordered
by NIP, dates counted back from the day of seeding), so it is the same on
every machine. Claims are written directly, without notices: the demo sends
no email.
"""

import datetime
import io
import random

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from districts.models import CivilServant, District

from ..models import (
    BehaviourEvaluation,
    CompletionRecord,
    Enrollment,
    Feedback,
    Institution,
    LearningScore,
    OutsideLearning,
    TrainingSession,
)
from ..services import evaluation
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


COMMENTS = [
    "Materinya langsung bisa dipakai di loket.",
    "Narasumber menjelaskan dengan contoh nyata.",
    "Waktunya terlalu singkat untuk praktik.",
    "Ruangan agak panas siang hari.",
    "Perlu modul cetak untuk dibawa pulang.",
]


def build_evaluation(*, today: datetime.date) -> None:
    """Give the past sessions feedback (L1), test scores (L2) and supervisors' follow-ups (L3).

    Each district's numbers come from a generator seeded by its name. A
    completion older than the L3 delay was asked about three months after it;
    every other one of those is answered, the rest await their supervisor.
    """
    for district in District.objects.order_by("name"):
        rng = random.Random(f"asn-demo:evaluation:{district.slug}")
        sessions = TrainingSession.objects.filter(
            district=district, status=TrainingSession.Status.COMPLETED
        ).order_by("start")
        feedback, scores = [], []
        for index, session in enumerate(sessions):
            attended = list(
                session.enrollments.filter(status__in=evaluation.ATTENDED).order_by("pk")
            )
            for enrollment in attended:
                if rng.random() < 0.8:
                    base = rng.randint(3, 5)
                    feedback.append(
                        Feedback(
                            enrollment=enrollment,
                            rating_content=base,
                            rating_instructor=min(5, base + rng.randint(0, 1)),
                            rating_venue=rng.randint(2, 5),
                            rating_usefulness=base,
                            comment=rng.choice(COMMENTS) if rng.random() < 0.4 else "",
                        )
                    )
                if index < 3:
                    pre = rng.randint(40, 70)
                    scores.append(
                        LearningScore(
                            enrollment=enrollment,
                            pre_score=pre,
                            post_score=min(100, pre + rng.randint(5, 30)),
                        )
                    )
        Feedback.objects.bulk_create(feedback, ignore_conflicts=True)
        LearningScore.objects.bulk_create(scores, ignore_conflicts=True)
        _follow_ups(district, rng, today)


def _follow_ups(district, rng, today) -> None:
    latest = evaluation.months_before(today, settings.BEHAVIOUR_DELAY_MONTHS)
    completions = CompletionRecord.objects.filter(
        district=district, passed=True, session__isnull=False, completion_date__lte=latest
    ).select_related("civil_servant", "session")
    enrollments = {
        (row.civil_servant_id, row.session_id): row
        for row in Enrollment.objects.filter(
            session__district=district, status__in=evaluation.ATTENDED
        )
    }
    rows = []
    for number, completion in enumerate(completions.order_by("pk")):
        enrollment = enrollments.get((completion.civil_servant_id, completion.session_id))
        supervisor = completion.civil_servant.supervisor_id
        if enrollment is None or supervisor is None:
            continue
        asked = _noon(
            district,
            completion.completion_date + (today - latest),
        )
        answered = number % 2 == 0
        rows.append(
            BehaviourEvaluation(
                completion=completion,
                enrollment=enrollment,
                rater_id=supervisor,
                requested_at=asked,
                answered_at=asked + datetime.timedelta(days=4) if answered else None,
                applies=rng.randint(3, 5) if answered else None,
                improved=rng.randint(3, 5) if answered else None,
                shares=rng.randint(2, 5) if answered else None,
            )
        )
    BehaviourEvaluation.objects.bulk_create(rows, ignore_conflicts=True)
