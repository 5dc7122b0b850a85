"""HR finds a person of their district and sends a password reset link, audited."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import CivilServantFactory, WorkUnitFactory, district, hr_officer
from training.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_BASE_URL = "https://pelatihan.example.go.id"


def test_hr_sends_a_reset_link_and_it_is_audited(hr_client, officer):
    person = CivilServantFactory(name="Ani Lestari", email="ani@example.go.id")

    listing = hr_client.get(reverse("training:hr-people"), {"q": "lestari"})
    response = hr_client.post(reverse("training:hr-person-reset", args=[person.pk]), follow=True)

    assert "Ani Lestari" in listing.text
    assert (
        f"Tautan untuk memilih kata sandi baru sudah dikirim ke {person.full_name}."
        in response.text
    )
    assert [message.to for message in mail.outbox] == [["ani@example.go.id"]]
    assert "https://pelatihan.example.go.id/akun/atur-sandi/" in mail.outbox[0].body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.district, entry.detail) == (
        "password_reset",
        officer.user,
        person.district,
        f"{person.full_name} ({person.nip_display})",
    )


def test_hr_is_told_when_there_is_no_address(hr_client):
    person = CivilServantFactory(email="")

    response = hr_client.post(reverse("training:hr-person-reset", args=[person.pk]), follow=True)

    assert "tidak punya alamat email di portal" in response.text
    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


def test_hr_of_another_district_gets_404_and_sends_nothing(client):
    plaju = district("plaju")
    person = CivilServantFactory(district=plaju, work_unit=WorkUnitFactory(district=plaju))
    client.force_login(hr_officer(district("mulyorejo")).user)

    response = client.post(reverse("training:hr-person-reset", args=[person.pk]))
    listing = client.get(reverse("training:hr-people"))

    assert response.status_code == 404
    assert person.nip_display not in listing.text
    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


def test_a_civil_servant_cannot_send_links(client):
    person = CivilServantFactory()
    other = CivilServantFactory(email="x@example.go.id")
    client.force_login(person.user)

    response = client.post(reverse("training:hr-person-reset", args=[other.pk]))

    assert response.status_code == 404
    assert mail.outbox == []


def test_next_cannot_send_hr_elsewhere(hr_client):
    person = CivilServantFactory(email="ani@example.go.id")

    response = hr_client.post(
        reverse("training:hr-person-reset", args=[person.pk]), {"next": "https://jahat.example"}
    )

    assert response["Location"] == reverse("training:hr-people")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hr_sends_a_link_from_a_phone(phone_page):
    from tests.conftest import login, screenshot

    officer = hr_officer(district("mulyorejo"))
    CivilServantFactory(name="Ani Lestari", email="ani@example.go.id")

    login(phone_page, officer.nip)
    phone_page.goto(f"{phone_page.base}{reverse('training:hr-people')}?q=Ani")
    phone_page.click("text=Kirim tautan kata sandi")
    phone_page.wait_for_load_state("networkidle")
    screenshot(phone_page, "hr-people-phone")

    assert "Tautan untuk memilih kata sandi baru sudah dikirim" in phone_page.content()
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert AuditEntry.objects.filter(action="password_reset").count() == 1
