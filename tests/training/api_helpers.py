"""Helpers of the API tests: tokens, an authorised client, people rows."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_nip
from training.services import api_tokens

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
