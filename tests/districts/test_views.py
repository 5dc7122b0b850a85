import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, CivilServantFactory, UserFactory, district, hr_officer

pytestmark = pytest.mark.django_db


def test_login_with_nip_typed_with_spaces(client):
    person = CivilServantFactory(nip="198609262015051001")

    response = client.post(
        reverse("login"), {"username": "19860926 201505 1 001", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(person.user.pk)


def test_login_with_wrong_password_says_so_in_indonesian(client):
    CivilServantFactory(nip="198609262015051001")

    response = client.post(
        reverse("login"), {"username": "198609262015051001", "password": "salah"}
    )

    assert response.status_code == 200
    assert "Masukkan NIP (atau nama pengguna) dan kata sandi yang benar." in response.text


def test_home_requires_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_for_asn_shows_profile_and_jp_target_in_indonesian(client):
    person = CivilServantFactory(name="Ayu Lestari", nip="198609262015052001", gender="female")
    client.force_login(person.user)

    response = client.get(reverse("home"))

    assert "Selamat datang, Ayu Lestari" in response.text
    assert "19860926 201505 2 001" in response.text
    assert "0 dari 20 JP" in response.text
    assert 'id="home-team"' not in response.text
    assert 'id="home-hr"' not in response.text


def test_home_for_supervisor_shows_the_team(client):
    boss = CivilServantFactory()
    CivilServantFactory(supervisor=CivilServantFactory(supervisor=boss))
    client.force_login(boss.user)

    response = client.get(reverse("home"))

    assert 'id="home-team"' in response.text
    assert "1 bawahan langsung, 2 orang dalam garis pelaporan Anda." in response.text


def test_home_for_hr_shows_only_their_districts(client):
    hr = hr_officer(district("plaju"))
    client.force_login(hr.user)

    response = client.get(reverse("home"))

    assert 'id="home-hr"' in response.text
    assert "Plaju" in response.text
    assert "Mulyorejo" not in response.text


def test_home_for_administrator_lists_all_districts(client):
    for slug in ("mulyorejo", "plaju", "asemrowo", "sawahlunto"):
        district(slug)
    admin = UserFactory(username="admin-x", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(reverse("home"))

    for name in ("Mulyorejo", "Plaju", "Asemrowo", "Sawahlunto"):
        assert name in response.text


def _home_queries(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_home_district_figures_count_each_side_apart_in_constant_queries(client):
    from tests.factories import SessionFactory
    from training.models import TrainingSession

    plaju = district("plaju")
    admin = UserFactory(username="admin-y", is_superuser=True, is_staff=True)
    hr = hr_officer(plaju)
    before = {who: _home_queries(client, who) for who in (admin, hr.user)}
    CivilServantFactory.create_batch(3, district=plaju)
    CivilServantFactory(district=plaju, is_active=False)
    SessionFactory.create_batch(2, district=plaju)
    SessionFactory(district=plaju, status=TrainingSession.Status.CANCELLED)
    SessionFactory(district=district("mulyorejo"))

    for who in (admin, hr.user):
        assert _home_queries(client, who) == before[who]
    client.force_login(hr.user)
    (row,) = client.get(reverse("home")).context["districts"]
    # Four active people (the officer and three more), two upcoming published sessions:
    # counted apart, not multiplied by each other.
    assert (row.people, row.upcoming_sessions) == (4, 2)


def test_language_switch_to_english(client):
    person = CivilServantFactory(name="Ayu")
    client.force_login(person.user)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))

    assert "Welcome, Ayu" in response.text


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_reports_a_real_redis_broker(client):
    import os

    from tests.celery_harness import real_broker

    url = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
    with real_broker(url):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_reports_a_broken_broker(client, settings):
    from asnportal.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"].startswith("error")


def test_browser_language_does_not_override_indonesian(client):
    person = CivilServantFactory(name="Ayu")
    client.force_login(person.user)

    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert "Selamat datang, Ayu" in response.text


def test_year_is_not_grouped_like_a_number(client):
    person = CivilServantFactory()
    client.force_login(person.user)

    response = client.get(reverse("home"))

    year = timezone.localdate().year
    assert f"Pelatihan saya tahun {year}" in response.text


def test_password_change_applies_django_validators(client):
    person = CivilServantFactory()
    client.force_login(person.user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )

    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum." in response.text
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)


def test_password_change_with_a_good_password(client):
    person = CivilServantFactory()
    client.force_login(person.user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Pelatihan-Mulyorejo-77",
            "new_password2": "Pelatihan-Mulyorejo-77",
        },
    )

    assert response.status_code == 302
    person.user.refresh_from_db()
    assert person.user.check_password("Pelatihan-Mulyorejo-77")


def test_home_counts_jp_in_the_local_year_on_new_years_morning(client, monkeypatch):
    import datetime

    from tests.factories import CompletionRecordFactory

    person = CivilServantFactory()
    CompletionRecordFactory(
        civil_servant=person, completion_date=datetime.date(2027, 1, 1), jp_credited=4
    )
    # 1 January 2027, 03.00 WIB is still 31 December 2026 in UTC.
    new_years_morning = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: new_years_morning)
    client.force_login(person.user)

    response = client.get(reverse("home"))

    assert "Pelatihan saya tahun 2027" in response.text
    assert "4 dari 20 JP" in response.text
