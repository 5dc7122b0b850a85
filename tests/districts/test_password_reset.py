"""Forgotten password: Django's reset flow, in Indonesian, with links on PORTAL_BASE_URL."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, CivilServantFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-2027!"


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_BASE_URL = "https://pelatihan.example.go.id"


def ask(typed, client=None):
    return (client or Client()).post(reverse("password_reset"), {"email": typed}, follow=True)


def page(response) -> str:
    """The page as a person reads it: the CSRF token differs from client to client."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def link_in(message) -> str:
    return re.search(r"https://pelatihan\.example\.go\.id/\S+", message.body).group(0)


def test_reset_by_nip_sends_an_indonesian_link_on_the_portal_url(client):
    person = CivilServantFactory(nip="198609262015051001", email="ani@example.go.id")

    response = ask("19860926 201505 1 001")

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ani@example.go.id"]
    assert message.subject == "Pilih kata sandi baru untuk Portal Pelatihan ASN"
    assert f"Yth. {person.full_name}," in message.body
    assert link_in(message).startswith("https://pelatihan.example.go.id/akun/atur-sandi/")


def test_reset_email_is_like_every_portal_email(settings):
    """HTML alternative, Auto-Submitted, the portal's Message-ID and the HR mailbox to reply to."""
    settings.EMAIL_MESSAGE_ID_DOMAIN = ""
    person = CivilServantFactory(email="ani@example.go.id")
    person.district.hr_email = "bkpsdm@example.go.id"
    person.district.save(update_fields=["hr_email"])

    ask(person.nip)

    message = mail.outbox[0].message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@pelatihan.example.go.id>")
    assert message["Reply-To"] == "bkpsdm@example.go.id"
    html = mail.outbox[0].alternatives[0]
    assert html.mimetype == "text/html"
    assert "https://pelatihan.example.go.id/akun/atur-sandi/" in html.content
    assert "<img" not in html.content and "<script" not in html.content


def test_known_and_unknown_get_the_same_answer():
    CivilServantFactory(nip="198609262015051001", email="ani@example.go.id")

    known = ask("198609262015051001")
    unknown = ask("199001012015011999")
    unknown_email = ask("siapa@example.go.id")

    assert len(mail.outbox) == 1
    assert known.redirect_chain == unknown.redirect_chain == unknown_email.redirect_chain
    assert page(known) == page(unknown) == page(unknown_email)
    assert "Periksa email Anda" in known.text


def test_reset_by_email_then_log_in_with_the_new_password():
    person = CivilServantFactory(email="Budi@Example.go.id")
    ask("budi@example.go.id")
    client = Client()

    form = client.get(
        link_in(mail.outbox[0]).removeprefix("https://pelatihan.example.go.id"), follow=True
    )
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    login = Client().post(reverse("login"), {"username": person.nip, "password": NEW_PASSWORD})

    assert "Kata sandi baru Anda tersimpan" in done.text
    assert login.status_code == 302


def test_a_link_works_once():
    CivilServantFactory(nip="198609262015051001", email="ani@example.go.id")
    ask("198609262015051001")
    path = link_in(mail.outbox[0]).removeprefix("https://pelatihan.example.go.id")
    client = Client()
    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    again = Client().get(path, follow=True)

    assert "Tautan ini tidak berlaku lagi" in again.text


def test_a_person_imported_without_a_password_can_choose_one():
    person = CivilServantFactory(email="baru@example.go.id")
    person.user.set_unusable_password()
    person.user.save()

    ask(person.nip)

    assert len(mail.outbox) == 1


def test_an_inactive_login_gets_no_link():
    person = CivilServantFactory(email="lama@example.go.id")
    get_user_model().objects.filter(pk=person.user_id).update(is_active=False)

    ask(person.nip)

    assert mail.outbox == []


def test_reset_requests_are_limited_per_nip():
    CivilServantFactory(nip="198609262015051001", email="ani@example.go.id")
    for _ in range(5):
        assert ask("198609262015051001").status_code == 200

    refused = Client().post(reverse("password_reset"), {"email": "198609262015051001"})

    assert refused.status_code == 429
    assert len(mail.outbox) == 5


def test_login_page_links_to_the_reset(client):
    response = client.get(reverse("login"))

    assert reverse("password_reset") in response.text
    assert "Lupa kata sandi?" in response.text


def test_password_still_works_when_no_reset_was_asked():
    person = CivilServantFactory()

    assert (
        Client().post(reverse("login"), {"username": person.nip, "password": PASSWORD}).status_code
        == 302
    )
