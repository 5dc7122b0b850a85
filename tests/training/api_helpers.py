"""Helpers of the API tests: tokens, an authorised client, people rows."""

import datetime
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_nip, today
from training.models import OutsideLearning
from training.services import api_tokens, learning

BIRTH = datetime.date(1986, 9, 26)


def token_for(user, *, scope="write", days=30, name="SIMPEG") -> str:
    _token, raw = api_tokens.create_token(
        user=user,
        name=name,
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        actor=user,
    )
    return raw


def client_with(raw: str | None) -> APIClient:
    client = APIClient()
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def person_row(n: int, *, unit="KEC", boss="", name=None, **changes) -> dict:
    row = {
        "nip": make_nip(n, birth=BIRTH),
        "name": name or f"Pegawai Sinkron {n}",
        "back_title": "S.E.",
        "gender": "L",
        "birth_date": f"{BIRTH:%d-%m-%Y}",
        "asn_type": "PNS",
        "rank": "III/b",
        "position_title": "Analis",
        "position_type": "pelaksana",
        "work_unit": unit,
        "supervisor": boss,
    }
    row.update(changes)
    return row


def verified_claim(person, hr, *, jp=8):
    """Return the completion record of a verified outside-learning claim of ``person``."""
    end = today() - datetime.timedelta(days=3)
    claim = OutsideLearning.objects.create(
        civil_servant=person,
        district=person.district,
        method="seminar",
        title="Seminar Pelayanan Publik",
        institution=learning.institution_named("Universitas Airlangga"),
        competency_kind="teknis",
        start_date=end - datetime.timedelta(days=1),
        end_date=end,
        hours=Decimal("12"),
        jp_claimed=jp,
        evidence="outside/sertifikat.png",
        submitted_at=timezone.now(),
    )
    return learning.verify_claim(claim=claim, jp_credited=jp, now=timezone.now(), actor=hr.user)
