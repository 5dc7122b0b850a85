"""Number formats of the dashboards: ``1.234``, ``87,5 %``, ``Rp 1.500.000``.

They follow the active language (Indonesian by default) through Django's
format machinery, so the English page shows ``1,234`` and ``87.5 %``.
"""

from decimal import Decimal

from django.utils import formats

DASH = "—"


def integer(value) -> str:
    """Return a whole number with thousands grouped."""
    if value is None:
        return DASH
    return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)


def decimal(value, places: int = 1) -> str:
    """Return a number with ``places`` decimals and thousands grouped."""
    if value is None:
        return DASH
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def percent(value) -> str:
    """Return a percentage (already multiplied by 100) with one decimal."""
    if value is None:
        return DASH
    return f"{decimal(value, 1)} %"


def money(value) -> str:
    """Return an amount in rupiah, without decimals."""
    if value is None:
        return DASH
    return f"Rp {integer(Decimal(value).quantize(Decimal(1)))}"


def ratio(part, whole) -> float | None:
    """Return ``part / whole`` as a percentage rounded to one decimal, None when empty."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
