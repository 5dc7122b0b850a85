"""HR sets the district's certificate signatory and logo in a real browser (desktop and phone)."""

import pytest
from PIL import Image

from districts.models import District
from tests.conftest import login, screenshot
from tests.factories import district, hr_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_sets_signatory_and_logo(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = hr_officer(district("mulyorejo"))
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (20, 60, 140)).save(logo, format="PNG")

    login(page, officer.nip)
    page.click("#nav-hr")
    page.click("text=Pengaturan wilayah")
    page.fill("#id_hr_email", "bkpsdm@mulyorejo.go.id")
    page.fill("#id_agency_name", "Kecamatan Mulyorejo, Kota Surabaya")
    page.set_input_files("#id_logo", str(logo))
    page.fill("#id_signatory_name", "Drs. Bambang Suryadi, M.Si.")
    page.fill("#id_signatory_nip", "19700512 199403 1 002")
    page.fill("#id_signatory_position", "Camat Mulyorejo")
    page.click("#submit-id-save")
    page.wait_for_load_state("networkidle")

    assert "Pengaturan wilayah telah disimpan." in page.content()
    saved = District.objects.get(slug="mulyorejo")
    assert (saved.signatory_nip, saved.agency_logo.name) == (
        "197005121994031002",
        "logos/mulyorejo-logo.png",
    )
    screenshot(page, "documents-district-settings-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    screenshot(page, "documents-district-settings-390")
