import pytest
from django.test import RequestFactory
from django.urls import reverse

from districts.ratelimit import client_ip
from tests.factories import PASSWORD, CivilServantFactory

pytestmark = pytest.mark.django_db


def test_not_found_page_is_indonesian(client, settings):
    settings.DEBUG = False
    person = CivilServantFactory()
    client.force_login(person.user)

    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert '<html lang="id">' in response.text


def test_server_error_page_is_indonesian():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Terjadi kesalahan" in html


def test_expired_form_page_is_indonesian(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.text


def test_login_is_limited_per_nip_whatever_the_spacing(client):
    CivilServantFactory(nip="198609262015051001")
    for attempt in range(10):
        typed = "19860926 201505 1 001" if attempt % 2 else "198609262015051001"
        response = client.post(
            reverse("login"),
            {"username": typed, "password": "salah"},
            REMOTE_ADDR=f"10.0.0.{attempt}",
        )
        assert response.status_code == 200

    response = client.post(
        reverse("login"),
        {"username": "198609262015051001", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )

    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.text


def test_client_ip_behind_one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7"
    )

    assert client_ip(request) == "198.51.100.7"


def test_client_ip_without_proxy_ignores_forwarded_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "10.1.1.1"
