import re

import pytest
from django.conf import settings

from tests.conftest import login, screenshot
from tests.factories import CivilServantFactory, district, hr_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asn_logs_in_with_nip_and_sees_indonesian_home(page):
    CivilServantFactory(nip="198609262015052001", name="Ayu Lestari", gender="female")

    login(page, "19860926 201505 2 001")

    assert page.locator("h1").inner_text() == "Selamat datang, Ayu Lestari"
    assert page.locator("#home-progress").is_visible()
    assert "0 dari 20 JP" in page.locator("#home-progress").inner_text()
    assert page.locator("html").get_attribute("lang") == "id"
    screenshot(page, "home-asn")


def test_hr_officer_sees_their_district_on_home(page):
    hr = hr_officer(district("plaju"), name="Sari Wijaya")

    login(page, hr.nip)

    assert "Wilayah saya (kepegawaian)" in page.locator("#home-hr").inner_text()
    assert "Plaju" in page.locator("#home-hr").inner_text()
    screenshot(page, "home-hr")


def test_wrong_password_shows_indonesian_error(page):
    CivilServantFactory(nip="198609262015052001", gender="female")

    login(page, "198609262015052001", password="keliru")

    assert "Masukkan NIP (atau nama pengguna) dan kata sandi yang benar." in page.content()
    screenshot(page, "login-error")


def test_seeded_demo_asn_logs_in_with_the_readme_nip_and_password(page):
    from django.core.management import call_command

    for slug in ("mulyorejo", "asemrowo", "plaju", "sawahlunto"):
        district(slug)  # a transactional test may run after a flush of the migration's data
    call_command("seed_demo")
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    spaced = re.search(r"spaces allowed, e\.g\. `([\d ]+)`", readme)[1]
    row = rf"^\| [^|]+ \| ASN \| `{spaced.replace(' ', '')}` \| ([^,|]+)"
    name = re.search(row, readme, re.M)[1]

    login(page, spaced, password="PortalASN-2026")

    assert page.locator("h1").inner_text() == f"Selamat datang, {name.strip()}"
    screenshot(page, "home-demo-asn")
