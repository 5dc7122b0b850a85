"""Login throttling (django-ratelimit's counters) and the client's address.

The policy (README, "Logins and passwords"):

- Only failed logins count; a successful one neither counts nor is slowed.
- Failures are counted per NIP *and* address together, in widening steps:
  after 5 in a minute the next try waits for the minute to end, after 10 in
  15 minutes for those 15 minutes, after 20 in an hour for the hour. Someone
  guessing one NIP from elsewhere therefore never slows its owner down.
- Failures per address, whatever the NIP, are capped too (spraying many NIPs).
- The client's address is ``REMOTE_ADDR``, unless the request comes from one
  of ``TRUSTED_PROXIES``: then it is read from ``X-Forwarded-For``, right to
  left, skipping the trusted proxies. A forged header from anyone else is
  ignored.
"""

import ipaddress
import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from .nip import normalize_nip

# (rate, group): failures per NIP and address, slowing down step by step ...
LOGIN_STEPS = (("5/m", "login-1m"), ("10/15m", "login-15m"), ("20/h", "login-1h"))
# ... and per address whatever the NIP.
ADDRESS_RATE = ("100/h", "login-address")


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(settings.TRUSTED_PROXIES))


def client_ip(request) -> str:
    """Return the client's address; trust ``X-Forwarded-For`` only from ``TRUSTED_PROXIES``."""
    address = request.META["REMOTE_ADDR"]
    if not _trusted(address):
        return address
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if _trusted(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            # A proxy we trust wrote garbage: the proxy's own address is all we know.
            return address
    return address


def login_name(request) -> str:
    """Return the login tried, as stored (a NIP without spaces), case folded."""
    return normalize_nip(request.POST.get("username", "")).casefold()[:150]


def _nip_and_address(group, request) -> str:
    return f"{login_name(request)}|{client_ip(request)}"


def _address(group, request) -> str:
    return client_ip(request)


def _usages(request, *, increment: bool):
    for rate, group in LOGIN_STEPS:
        yield get_usage(request, group=group, key=_nip_and_address, rate=rate, increment=increment)
    rate, group = ADDRESS_RATE
    yield get_usage(request, group=group, key=_address, rate=rate, increment=increment)


def login_wait(request) -> int:
    """Return the seconds this request must wait before its login is tried (0: none)."""
    waits = [
        usage["time_left"]
        for usage in _usages(request, increment=False)
        if usage and usage["count"] >= usage["limit"]
    ]
    return max(waits, default=0)


def record_login_failure(request) -> None:
    for _usage in _usages(request, increment=True):
        pass


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Too many failed logins with this NIP from your address. Try again in %(minutes)d "
        "minute(s), or reset your password."
    ) % {"minutes": minutes}


def ratelimited(request, exception):
    """Answer 429 with an Indonesian explanation."""
    return render(
        request,
        "429.html",
        {"message": _("Too many attempts. Please wait a few minutes and try again.")},
        status=429,
    )
