"""Rate limiting of the login: the client's address and the NIP tried."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """Return the client's address, read behind ``TRUSTED_PROXY_COUNT`` reverse proxies.

    Behind a TLS proxy every request comes from the proxy's address, so counting
    by REMOTE_ADDR would lock the whole site out after a few failed logins.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META["REMOTE_ADDR"]


def ratelimited(request, exception):
    """Answer 429 with an Indonesian explanation."""
    return render(
        request,
        "429.html",
        {"message": _("Too many login attempts. Please wait a few minutes and try again.")},
        status=429,
    )


def login_name(group, request) -> str:
    """Key the per-account limit on the NIP as stored (spaces removed, case folded)."""
    from .nip import normalize_nip

    return normalize_nip(request.POST.get("username", "")).casefold()
