"""Errors as problem details (RFC 9457, ``application/problem+json``), in Indonesian.

``{"type", "title", "status", "detail"}`` and, for invalid input, ``errors``:
each field's messages (DRF's own shape, nested as the request was).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
}


def title(code: int) -> str:
    # Marked for translation in locale/api (see ``_titles``).
    return _(TITLES.get(code, "Error"))


def _titles():  # pragma: no cover - only for makemessages
    _("Bad request")
    _("Not signed in")
    _("Forbidden")
    _("Not found")
    _("Method not allowed")
    _("Not acceptable")
    _("Conflict")
    _("Request too large")
    _("Unsupported media type")
    _("Unprocessable content")
    _("Too many requests")
    _("Error")


def problem(code: int, detail: str, **extra) -> dict:
    return {"type": "about:blank", "title": title(code), "status": code, "detail": detail, **extra}


def handle(exc, context):
    """DRF's exception handler, answering in the problem format."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body = problem(code, _("The request is not valid; see errors."), errors=data)
    elif isinstance(data, dict) and "detail" in data:
        body = problem(code, str(data["detail"]))
    else:
        body = problem(code, str(data))
    if code == status.HTTP_429_TOO_MANY_REQUESTS and getattr(exc, "wait", None):
        body["retry_after"] = int(exc.wait)
    response.data = body
    response.content_type = PROBLEM_TYPE
    return response
