"""A civil servant on a phone: find a session, see its clash, enrol, see it, cancel."""

import pytest

from tests.conftest import open_phone_menu, screenshot
from tests.factories import PASSWORD, CivilServantFactory, ScheduleEntryFactory, SessionFactory
from tests.training.selfservice_helpers import days_ahead
from training.models import Enrollment

# Sessions a few days from today: no shipped holiday may add a clash there.
pytestmark = pytest.mark.usefixtures("without_shipped_holidays")


def _login(page, nip: str) -> None:
    # The navbar holds the language switch form too: aim at the login form itself.
    page.goto(f"{page.base}/akun/login/")
    page.fill("input[name=username]", nip)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_find_session_see_clash_enrol_and_cancel(phone_page):
    page = phone_page
    person = CivilServantFactory(name="Dewi Lestari", gender="female")
    session = SessionFactory(start=days_ahead(8, 8), program__title="Pelayanan Prima Loket")
    SessionFactory(start=days_ahead(9, 8), program__title="Kearsipan Digital")
    ScheduleEntryFactory(
        civil_servant=person,
        start=days_ahead(8, 7),
        end=days_ahead(8, 10),
        note="Shift loket pagi",
    )

    _login(page, person.nip)
    open_phone_menu(page)
    page.click("text=Katalog")
    page.fill("input[name=q]", "pelayanan")
    page.click("#catalogue-filters [type=submit]")
    cards = page.locator(".session-card")
    assert cards.count() == 1
    assert cards.first.locator(".clash-badge").inner_text() == "Bentrok jadwal"
    screenshot(page, "selfservice-phone-catalogue")

    cards.first.locator("a").click()
    conflicts = page.locator("#session-conflicts")
    assert "Shift dinas" in conflicts.inner_text()
    assert "Shift loket pagi" in conflicts.inner_text()
    page.check("#confirm-clash")
    screenshot(page, "selfservice-phone-session")
    page.click("#enrol-button")
    assert "Anda terdaftar" in page.locator(".alert-success").inner_text()
    assert Enrollment.objects.get(session=session, civil_servant=person).status == "approved"

    open_phone_menu(page)
    page.click("#portal-nav >> text=Pelatihan saya")
    upcoming = page.locator("#upcoming")
    assert "Pelayanan Prima Loket" in upcoming.inner_text()
    screenshot(page, "selfservice-phone-my-training")

    upcoming.locator("a", has_text="Batalkan").click()
    page.wait_for_load_state("networkidle")
    # Asked first, told what happens to the seat (nobody waits: it is freed).
    assert (
        "Kursi Anda dilepas untuk orang lain." in page.locator("#cancel-consequence").inner_text()
    )
    screenshot(page, "selfservice-phone-cancel-confirm")
    page.click("#confirm-cancel")
    page.wait_for_load_state("networkidle")
    assert "Pendaftaran Anda telah dibatalkan." in page.locator(".alert-success").inner_text()
    assert "Pelayanan Prima Loket" not in page.locator("#upcoming").inner_text()
    assert Enrollment.objects.get(session=session, civil_servant=person).status == "cancelled"
    screenshot(page, "selfservice-phone-cancelled")
