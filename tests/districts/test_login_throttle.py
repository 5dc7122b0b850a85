"""Login throttling: failures only, per NIP and address, slowing down step by step."""

import time
import zlib

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from districts.ratelimit import client_ip
from tests.factories import PASSWORD, CivilServantFactory, UserFactory

pytestmark = pytest.mark.django_db

NIP = "198609262015051001"
HOME = "10.0.0.1"


@pytest.fixture
def owner():
    return CivilServantFactory(nip=NIP)


class Clock:
    """``time.time`` for the rate-limit counters and the cache that holds them."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # All three windows of NIP+HOME (a minute, 15 minutes, an hour) start together
    # one second before: django-ratelimit shifts each key's windows by its CRC.
    start = 1_800_000_000 // 3600 * 3600 + zlib.crc32(f"{NIP}|{HOME}".encode()) % 3600 + 1
    fake = Clock(float(start))
    monkeypatch.setattr(time, "time", fake)
    return fake


def attempt(password="salah", *, nip=NIP, address=HOME, client=None, **extra):
    client = client or Client()
    return client.post(
        reverse("login"), {"username": nip, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_successful_logins_never_count(owner):
    client = Client()
    for _ in range(25):
        response = attempt(PASSWORD, client=client)
        assert response.status_code == 302
        client.post(reverse("logout"))


def test_failures_from_elsewhere_never_slow_the_owner(owner):
    for n in range(40):
        typed = "19860926 201505 1 001" if n % 2 else NIP
        assert attempt(nip=typed, address=f"198.51.100.{n}").status_code == 200

    assert attempt(PASSWORD).status_code == 302


def test_failures_from_one_address_slow_down_step_by_step(owner, clock):
    waits = []
    for pause in (0, 60, 840, 60):
        clock.now += pause
        for _ in range(5):
            assert attempt().status_code == 200
        refused = attempt(PASSWORD)
        assert refused.status_code == 429
        waits.append(refused.context["form"].non_field_errors()[0])

    assert waits == [
        "Terlalu banyak percobaan masuk yang gagal dengan NIP ini dari alamat Anda. "
        f"Coba lagi dalam {minutes} menit, atau atur ulang kata sandi Anda."
        for minutes in (1, 14, 1, 44)
    ]
    # Meanwhile the owner, from another address, logs in.
    assert attempt(PASSWORD, address="203.0.113.5").status_code == 302


def test_the_wait_ends(owner, clock):
    for _ in range(5):
        attempt()
    assert attempt(PASSWORD).status_code == 429

    clock.now += 60

    assert attempt(PASSWORD).status_code == 302


def test_many_nips_from_one_address_are_capped(owner):
    for n in range(100):
        assert attempt(nip=f"{n:018d}").status_code == 200

    assert attempt(PASSWORD).status_code == 429


def test_forged_forwarded_for_does_not_reset_the_count(owner, settings):
    settings.TRUSTED_PROXIES = []
    for n in range(5):
        assert attempt(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200

    assert attempt(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_admin_login_is_throttled_the_same_way(owner):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("admin:login"), {"username": "admin", "password": "salah"}, REMOTE_ADDR=HOME
        )
        assert response.status_code == 200

    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=HOME
    )

    assert "Terlalu banyak percobaan masuk" in response.text
    assert "_auth_user_id" not in client.session


def ip(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        ([], "10.1.1.1", "203.0.113.9", "10.1.1.1"),
        (["10.1.1.1"], "10.1.1.1", "203.0.113.9", "203.0.113.9"),
        (["10.1.1.1"], "10.1.1.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/8"], "10.1.1.1", "6.6.6.6, 203.0.113.9, 10.2.2.2", "203.0.113.9"),
        (["10.1.1.1"], "192.0.2.7", "203.0.113.9", "192.0.2.7"),
        (["10.1.1.1"], "10.1.1.1", None, "10.1.1.1"),
        (["10.1.1.1"], "10.1.1.1", "bukan-alamat", "10.1.1.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
    ids=[
        "no_proxy_configured",
        "one_trusted_proxy",
        "forged_left_part_ignored",
        "two_proxies_in_a_network",
        "request_not_from_the_proxy",
        "proxy_without_header",
        "garbage_from_the_proxy",
        "ipv6",
    ],
)
def test_client_ip_trusts_forwarded_for_only_from_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies

    assert ip(remote, forwarded) == expected
