"""Template filters: local times with the zone label, NIP grouping."""

from django import template

from districts import localtime
from districts.nip import format_nip

register = template.Library()


def _zone(place) -> str:
    """Accept a District, anything with a ``district`` or a zone name."""
    if isinstance(place, str):
        return place
    district = getattr(place, "district", place)
    return district.time_zone


@register.filter
def local_datetime(value, place):
    """``{{ session.start|local_datetime:session.district }}``."""
    if not value:
        return ""
    return localtime.format_datetime(value, _zone(place))


@register.simple_tag
def local_range(start, end, place):
    """``{% local_range session.start session.end session.district %}``."""
    return localtime.format_range(start, end, _zone(place))


@register.filter
def nip(value):
    return format_nip(value or "")
