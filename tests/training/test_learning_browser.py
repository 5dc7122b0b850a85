"""In Chromium: an ASN on a phone claims a university seminar with a photo of its
certificate; the supervisor verifies it; the ASN's JP bar moves."""

import datetime

import pytest

from tests.conftest import screenshot
from tests.factories import PASSWORD, CivilServantFactory, district, today
from tests.training.learning_helpers import jpeg_bytes
from training.models import OutsideLearning


def _login(page, nip: str) -> None:
    page.goto(f"{page.base}/akun/login/")
    page.fill("input[name=username]", nip)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _bar(page) -> str:
    return page.locator("#jp-progress .progress").get_attribute("aria-valuenow")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_claim_seminar_supervisor_verifies_jp_bar_moves(
    browser, live_server, phone_page, tmp_path
):
    page = phone_page
    mulyorejo = district("mulyorejo")
    boss = CivilServantFactory(district=mulyorejo, name="Sri Atasan")
    person = CivilServantFactory(
        district=mulyorejo, supervisor=boss, name="Dewi Lestari", gender="female"
    )
    end = today() - datetime.timedelta(days=2)
    start = end - datetime.timedelta(days=1)
    photo = tmp_path / "foto-sertifikat.jpg"
    photo.write_bytes(jpeg_bytes())

    _login(page, person.nip)
    page.goto(f"{page.base}/saya/belajar-mandiri/")
    assert _bar(page) == "0"
    screenshot(page, "learning-phone-before")
    page.click("#claim-button")
    page.select_option("select[name=method]", "seminar")
    page.fill("input[name=title]", "Seminar Nasional Pelayanan Publik")
    page.fill("input[name=institution]", "Universitas Airlangga")
    page.select_option("select[name=competency_kind]", "teknis")
    page.fill("input[name=start_date]", start.isoformat())
    page.fill("input[name=end_date]", end.isoformat())
    page.fill("input[name=hours]", "9")
    # 9 hours of 45-minute JP: the form says what the claim will credit before it is sent.
    assert "12 JP" in page.locator("#jp-estimate").inner_text()
    page.set_input_files("input[name=evidence]", str(photo))
    screenshot(page, "learning-phone-claim-form")
    page.click("#claim-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "12 JP" in page.locator(".alert-success").inner_text()
    claim = OutsideLearning.objects.get(civil_servant=person)
    assert (claim.status, claim.evidence_type) == ("submitted", "image/jpeg")
    assert _bar(page) == "0"  # pending counts nothing
    assert (
        "Menunggu" in page.locator("#claims").inner_text()
        or "Tertunda" in page.locator("#claims").inner_text()
    )
    screenshot(page, "learning-phone-pending")

    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.base = live_server.url
    _login(desk, boss.nip)
    desk.click(f"#home-learning a[href$='/belajar-mandiri/{claim.pk}/verifikasi/']")
    desk.wait_for_load_state("networkidle")
    assert "Seminar Nasional Pelayanan Publik" in desk.locator("#claim-detail").inner_text()
    evidence = desk.request.get(f"{live_server.url}/belajar-mandiri/{claim.pk}/bukti/")
    assert evidence.status == 200 and evidence.headers["content-type"] == "image/jpeg"
    screenshot(desk, "learning-supervisor-verify")
    desk.fill("input[name=jp_credited]", "10")
    desk.click("#verify-form [type=submit]")
    desk.wait_for_load_state("networkidle")
    assert "diverifikasi" in desk.locator(".alert-success").inner_text()
    context.close()

    page.goto(f"{page.base}/saya/belajar-mandiri/")
    assert _bar(page) == "50"  # 10 of 20 JP
    assert "10 dari 20 JP" in page.locator("#jp-counted").inner_text()
    assert "10 JP dihitung" in page.locator("#claims").inner_text()
    screenshot(page, "learning-phone-verified")
