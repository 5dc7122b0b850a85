"""Show times in the zone of the place where they happen, with its label."""

import datetime
import zoneinfo

from django.utils import formats

from .models import ZONE_LABELS


def in_zone(value: datetime.datetime, time_zone: str) -> datetime.datetime:
    return value.astimezone(zoneinfo.ZoneInfo(time_zone))


def local_date(now: datetime.datetime, time_zone: str) -> datetime.date:
    """Return the date at ``now`` in a place's zone.

    "Today" and "this year" follow the place: a WITA or WIT district reaches a
    new day (and 1 January) an hour or two before a WIB one.
    """
    return in_zone(now, time_zone).date()


def local_year(now: datetime.datetime, time_zone: str) -> int:
    """Return the calendar year at ``now`` in a place's zone."""
    return local_date(now, time_zone).year


def format_datetime(value: datetime.datetime, time_zone: str) -> str:
    """Return e.g. ``Senin, 7 Desember 2026, 08.00 WIB`` in the active language."""
    local = in_zone(value, time_zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {ZONE_LABELS[time_zone]}"


def format_range(start: datetime.datetime, end: datetime.datetime, time_zone: str) -> str:
    """Return ``Senin, 7 Desember 2026, 08.00–12.00 WIB`` (dates repeated when they differ)."""
    local_start, local_end = in_zone(start, time_zone), in_zone(end, time_zone)
    label = ZONE_LABELS[time_zone]
    if local_start.date() == local_end.date():
        return (
            f"{formats.date_format(local_start, 'DATETIME_FORMAT')}–"
            f"{formats.time_format(local_end, 'TIME_FORMAT')} {label}"
        )
    return (
        f"{formats.date_format(local_start, 'DATETIME_FORMAT')} – "
        f"{formats.date_format(local_end, 'DATETIME_FORMAT')} {label}"
    )


def format_date(value: datetime.datetime, time_zone: str) -> str:
    """Return e.g. ``Jumat, 25 Desember 2026``: the local date of ``value``."""
    return formats.date_format(in_zone(value, time_zone), "DATE_FORMAT")
