"""In a real browser: a reminder in the portal, then a one-click switch to a free session."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import open_phone_menu, screenshot
from tests.factories import (
    PASSWORD,
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
)
from training.models import Enrollment, Notification
from training.services import reminders


def _login(page, nip: str) -> None:
    page.goto(f"{page.base}/akun/login/")
    page.fill("input[name=username]", nip)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _at(days: int, hour: int) -> datetime.datetime:
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_reminder_notification_then_one_click_switch(request, size):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    person = CivilServantFactory(name="Dewi Lestari", gender="female")
    clashing = SessionFactory(
        start=_at(5, 8), end=_at(5, 12), program__title="Pelayanan Prima Loket"
    )
    free = SessionFactory(
        program=clashing.program, district=clashing.district, start=_at(6, 8), end=_at(6, 12)
    )
    enrollment = EnrollmentFactory(civil_servant=person, session=clashing)
    ScheduleEntryFactory(
        civil_servant=person, start=_at(5, 7), end=_at(5, 14), note="Shift loket pagi"
    )
    reminders.scan(now=timezone.now())
    assert Notification.objects.filter(recipient=person).count() == 2  # clash + 7 days

    _login(page, person.nip)
    if size == "phone":
        open_phone_menu(page)
    assert page.locator("#unread-count").inner_text().startswith("2")
    page.click("#nav-schedule")
    page.click("#portal-nav >> text=Bentrok jadwal")
    page.wait_for_load_state("networkidle")
    assert "Shift dinas: Shift loket pagi" in page.content()
    screenshot(page, f"conflicts-list-{size}")
    if size == "phone":
        open_phone_menu(page)
    page.click("#nav-notifications")
    screenshot(page, f"conflicts-notifications-{size}")
    page.click("text=Bentrok jadwal: Pelayanan Prima Loket")  # opens the switch page
    page.wait_for_load_state("networkidle")
    screenshot(page, f"conflicts-switch-{size}")
    page.click("button:has-text('Pindah ke sesi ini')")
    page.wait_for_load_state("networkidle")
    screenshot(page, f"conflicts-after-switch-{size}")

    assert "Anda sudah pindah ke sesi lain." in page.content()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert Enrollment.objects.get(civil_servant=person, session=free).status == "approved"
