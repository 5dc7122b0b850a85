"""A session's length in *jam pelajaran* (JP), from ``settings.MINUTES_PER_JP``."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats


def length_jp(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """Return ``end - start`` in JP, to one decimal (4 hours at 45 minutes a JP = 5.3)."""
    minutes = Decimal(int((end - start).total_seconds() // 60))
    return (minutes / Decimal(settings.MINUTES_PER_JP)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def format_jp(value: Decimal) -> str:
    """Return ``value`` with one decimal in the active language's format (``5,3``)."""
    return formats.number_format(value, 1, use_l10n=True)
