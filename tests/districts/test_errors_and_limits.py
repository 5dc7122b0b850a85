import pytest
from django.urls import reverse

from tests.factories import CivilServantFactory

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
