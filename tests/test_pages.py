"""The page catalogue: complete, and the access matrix and the Nu HTML Checker over it."""

import json
import subprocess
import time

import pytest

from tests import pages as catalogue
from tests.conftest import require_part
from tests.page_checkers import QUICK, html_pages, vnu_command


def test_every_url_pattern_is_placed_or_excluded():
    assert catalogue.unplaced() == []


def test_a_new_prefix_or_segment_is_reported(monkeypatch):
    monkeypatch.delitem(catalogue.AUDIENCES, "bentrok/tim/")
    monkeypatch.delitem(catalogue.AUDIENCES, "bentrok/")
    monkeypatch.delitem(catalogue.SEGMENT_OBJECTS, "tempat")
    found = "\n".join(catalogue.unplaced())
    assert "training:team_conflicts (bentrok/tim/): no audience" in found
    assert "training:hr-venue-edit (kepegawaian/tempat/<int:pk>/): no object for <pk>" in found


@pytest.mark.django_db
def test_the_world_gives_every_pattern_its_arguments():
    world = catalogue.build_world()
    assert catalogue.unplaced(world) == []
    names = {page.name for page in catalogue.pages(world)}
    placed = {item.name for item in catalogue.patterns() if not catalogue.excluded_reason(item)}
    assert names == placed


@pytest.mark.django_db
def test_the_same_world_comes_from_an_existing_database():
    """What a benchmark does: query a seeded database for the objects instead of making them."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=None)

    world = catalogue.world_from_database("mulyorejo", "plaju")

    # The demo has no import job, no notification, no calendar or API token yet: the
    # catalogue names the pages that leaves out instead of failing on them.
    missing = catalogue.unplaced(world)
    reasons = {line.split(": ", 1)[1] for line in missing}
    assert reasons == {
        "the world has no value for 'token' (after 'kalender')",
        "the world has no value for 'pk' (after 'impor')",
        "the world has no value for 'pk' (after 'notifikasi')",
        "the world has no value for 'pk' (after 'token-api')",
    }
    assert "training:hr-import (kepegawaian/impor/<int:pk>/): " in "\n".join(missing)
    pages = catalogue.pages(world)
    placed = [item for item in catalogue.patterns() if not catalogue.excluded_reason(item)]
    assert len({page.name for page in pages}) == len(placed) - len(missing)
    assert world.users[catalogue.HR_A].managed_districts.get().slug == "mulyorejo"


def _status(client, world, role, path):
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client.get(path)


@pytest.mark.django_db
def test_access_matrix_every_page_every_role(client):
    """Each page's audience is served; everyone else is refused, never shown the page."""
    world = catalogue.build_world()
    wrong = []
    checked = 0
    for page in catalogue.pages(world):
        for role in catalogue.ROLES:
            response = _status(client, world, role, page.path)
            status = response.status_code
            checked += 1
            if status == 405:  # a POST-only action: nothing to read with GET
                continue
            login = status == 302 and response["Location"].startswith("/akun/login/")
            if page.public or role in page.roles:
                ok = status in (200, 302) and not (login and role != catalogue.ANONYMOUS)
                if role == catalogue.ANONYMOUS and page.name == "login":
                    ok = status == 200
            elif role == catalogue.ANONYMOUS:
                ok = login or (page.name.startswith("admin:") and status == 302)
            else:
                ok = status in (302, 403, 404) and not login
            if not ok:
                wrong.append(f"{page.path} as {role}: {status}")
    assert wrong == []
    assert checked == len(catalogue.pages(world)) * len(catalogue.ROLES)


@pytest.mark.django_db
def test_every_page_is_valid_html(client, tmp_path):
    """The Nu HTML Checker finds no error on any page of any role (one batch run)."""
    java, jar = vnu_command()
    require_part(java is not None, "Java (apt-get install default-jre-headless)")
    require_part(jar is not None, "vnu-jar (npm ci at the repository root)")
    world = catalogue.build_world()
    folder = tmp_path / "pages"
    folder.mkdir()
    files = {}
    for number, (page, role, html) in enumerate(html_pages(client, world)):
        path = folder / f"{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = f"{page.path} as {role}"
    assert len(files) >= (40 if QUICK else 80)
    started = time.monotonic()
    result = subprocess.run(
        [java, "-jar", jar, "--format", "json", "--stdout", *sorted(map(str, folder.iterdir()))],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [
        f"{files[item['url'].rsplit('/', 1)[-1]]}, line {item.get('lastLine')}: {item['message']}"
        for item in report["messages"]
        if item["type"] == "error" or item.get("subType") == "fatal"
    ]
    print(f"vnu: {len(files)} pages in {time.monotonic() - started:.1f} s")
    assert errors == [], "\n".join(errors)
