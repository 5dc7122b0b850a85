"""The README's curl session, step by step, with a token (as the README says a test does)."""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from districts.models import CivilServant
from tests import factories as f
from tests.training.api_helpers import client_with, token_for

README = Path(settings.BASE_DIR) / "README.md"


def _api_section() -> str:
    text = README.read_text()
    return text.split("## The API", 1)[1].split("\n## ", 1)[0]


def _curl_commands(section: str) -> list[list[str]]:
    script = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    script = script.replace("\\\n", " ")
    return [shlex.split(line) for line in script.splitlines() if line.startswith("curl")]


def _call(client, argv: list[str], files: dict):
    method, body, url = "GET", None, None
    items = iter(argv[1:])
    for item in items:
        if item == "-X":
            method = next(items)
        elif item == "-H":
            next(items)  # the token and the content type: the client sets them
        elif item == "-d":
            body = files[next(items).removeprefix("@")]
        elif item.startswith("$BASE"):
            url = item.removeprefix("$BASE")
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if method == "POST":
        return client.post(path, json.loads(body), format="json")
    return client.get(path)


@pytest.mark.django_db
def test_the_readme_curl_session_runs_as_written():
    section = _api_section()
    files = {"people.json": re.search(r"```json\n(.*?)```", section, re.S).group(1)}
    commands = _curl_commands(section)
    assert len(commands) == 3

    mulyorejo = f.district("mulyorejo")
    f.WorkUnitFactory(district=mulyorejo, code="KEC", name="Kecamatan Mulyorejo")
    officer = f.hr_officer(mulyorejo)
    session = f.SessionFactory(district=mulyorejo, status="published")
    f.SessionFactory(district=f.district("plaju"), status="published")
    record = f.CompletionRecordFactory(
        civil_servant=f.CivilServantFactory(district=mulyorejo), certificate_number="9/X/2026"
    )
    client = client_with(token_for(officer.user))

    sessions = _call(client, commands[0], files)
    assert sessions.status_code == 200
    assert [row["id"] for row in sessions.json()["results"]] == [session.pk]

    upsert = _call(client, commands[1], files)
    assert upsert.status_code == 200, upsert.content
    assert upsert.json()["counts"] == {"create": 3, "update": 0, "reject": 0}
    again = _call(client, commands[1], files)
    assert again.json()["counts"] == {"create": 0, "update": 3, "reject": 0}
    assert CivilServant.objects.get(nip="198811302014031003").supervisor.nip == (
        "199001152015031001"
    )

    records = _call(client, commands[2], files)
    assert records.status_code == 200
    assert [row["certificate_number"] for row in records.json()["results"]] == [
        record.certificate_number
    ]
