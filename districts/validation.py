"""Rules shared by forms, imports and the admin: one definition each.

- Single-line text refuses control characters (a title with ``\\r\\n`` would
  otherwise end up in an email header).
- Dates the portal stores or shows lie between 1970 and 2100.
- A choice typed in a file may be its stored value, or the label the portal
  shows, in Indonesian or English, in any case.
"""

import datetime
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls (tab, CR, LF, NUL...), DEL, and the Unicode line and
# paragraph separators: none belongs in a one-line value.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

SINGLE_LINE_MESSAGE = _(
    "Use a single line without control characters (such as a line break or a tab)."
)


def validate_single_line(value) -> None:
    """Refuse text with a control character (a line break, a tab, NUL...)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_characters")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def printable(value: str, *, limit: int = 100) -> str:
    """Return ``value`` shortened and with control characters made visible, for messages."""
    shown = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def require_single_line(app_label: str) -> None:
    """Give every CharField of the app's models the single-line validator.

    Called from the app's ``ready()`` so that a field added later is covered
    without anyone remembering to; the validators are part of the migration
    state like any other.
    """
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.local_fields:
            if not isinstance(field, models.CharField):
                continue
            if validate_single_line not in field._validators:
                # ``_validators`` is what migrations record; ``validators`` (cached,
                # with the max-length check) is what runs.
                field._validators.append(validate_single_line)
                field.validators.append(validate_single_line)


# Dates of things that happen (schedules, sessions, calendars); birth dates
# are older and follow the NIP's rules instead.
EARLIEST = datetime.date(1970, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def in_portal_range(value: datetime.date | datetime.datetime) -> bool:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST <= day <= LATEST


def validate_portal_date(value: datetime.date | datetime.datetime) -> None:
    """Refuse a date outside 1970–2100: beyond it, neighbouring days and zones overflow."""
    if not in_portal_range(value):
        raise ValidationError(
            _("Enter a date between %(first)d and %(last)d."),
            code="out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


def choice_lookup(choices, *, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``{folded text: value}`` for every value and label of ``choices``.

    Labels are read in every language the portal offers, so a file may say
    "Cuti Tahunan" or "annual leave" for ``tahunan``.
    """
    from django.conf import settings

    lookup = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                lookup.setdefault(_fold(label), value)
    for value, _label in choices:
        lookup[_fold(value)] = value
    for alias, value in (aliases or {}).items():
        lookup.setdefault(_fold(alias), value)
    return lookup


def match_choice(lookup: dict[str, str], text: str) -> str | None:
    return lookup.get(_fold(text)) if text else None
