"""Parse and validate the NIP (Nomor Induk Pegawai) of a civil servant.

PNS and CPNS: birth date ``YYYYMMDD`` + month of first appointment ``YYYYMM``
+ gender digit (1 male, 2 female) + sequence ``001``-``999``.
PPPK: 18 digits too, but digits 9-12 are a year and 13-14 a code, so only
the birth date and the gender digit are checked.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NIP_LENGTH = 18
GENDER_DIGITS = {"1": "male", "2": "female"}


@dataclass(frozen=True)
class ParsedNip:
    digits: str
    birth_date: datetime.date
    gender: str


def normalize_nip(value: str) -> str:
    """Return ``value`` without the spaces people type between its groups."""
    return re.sub(r"\s+", "", value or "")


def format_nip(digits: str) -> str:
    """Return the 18 digits grouped 8-6-1-3 for display."""
    if len(digits) != NIP_LENGTH:
        return digits
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[14 + 1 :]}"


def _date_or_none(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_nip(
    value: str,
    *,
    asn_type: str = "PNS",
    gender: str | None = None,
    birth_date: datetime.date | None = None,
) -> ParsedNip:
    """Return the parsed NIP, or raise ValidationError naming every wrong part.

    ``gender`` and ``birth_date``, when given, must match what the NIP encodes.
    """
    digits = normalize_nip(value)
    if not digits.isdigit() or len(digits) != NIP_LENGTH:
        raise ValidationError(
            _("A NIP has exactly 18 digits (spaces are allowed); got %(count)d characters.")
            % {"count": len(digits)},
            code="nip_length",
        )

    errors = []
    born = _date_or_none(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if born is None:
        errors.append(
            ValidationError(
                _("Digits 1-8 (birth date %(value)s) are not a real date (YYYYMMDD).")
                % {"value": digits[0:8]},
                code="nip_birth_date",
            )
        )
    elif birth_date is not None and born != birth_date:
        errors.append(
            ValidationError(
                _("Digits 1-8 (%(value)s) do not match the birth date.") % {"value": digits[0:8]},
                code="nip_birth_mismatch",
            )
        )

    if asn_type != "PPPK":
        appointed = _date_or_none(int(digits[8:12]), int(digits[12:14]), 1)
        if appointed is None:
            errors.append(
                ValidationError(
                    _("Digits 9-14 (first appointment %(value)s) are not a real month (YYYYMM).")
                    % {"value": digits[8:14]},
                    code="nip_appointment",
                )
            )
        elif born is not None and (appointed.year, appointed.month) <= (born.year, born.month):
            errors.append(
                ValidationError(
                    _("Digits 9-14 (first appointment %(value)s) must come after the birth date.")
                    % {"value": digits[8:14]},
                    code="nip_appointment_order",
                )
            )

    gender_digit = digits[14]
    if gender_digit not in GENDER_DIGITS:
        errors.append(
            ValidationError(
                _("Digit 15 (gender) must be 1 (male) or 2 (female); got %(value)s.")
                % {"value": gender_digit},
                code="nip_gender",
            )
        )
    elif gender is not None and GENDER_DIGITS[gender_digit] != gender:
        errors.append(
            ValidationError(
                _("Digit 15 (gender %(value)s) does not match the person's gender.")
                % {"value": gender_digit},
                code="nip_gender_mismatch",
            )
        )

    if asn_type != "PPPK" and digits[15:] == "000":
        errors.append(
            ValidationError(
                _("Digits 16-18 (sequence) must be 001-999; got 000."), code="nip_sequence"
            )
        )

    if errors:
        raise ValidationError(errors)
    return ParsedNip(digits=digits, birth_date=born, gender=GENDER_DIGITS[gender_digit])
