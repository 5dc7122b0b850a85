"""Template filters: local times with the zone label, NIP grouping."""

from django import template
from django.utils import translation

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


@register.filter
def ago(value, now=None):
    """``{{ item.created_at|ago }}``: "just now" under a minute, else "5 minutes ago".

    Django's ``timesince`` says "0 minutes" for anything under a minute.
    """
    if not value:
        return ""
    from django.utils import timezone
    from django.utils.timesince import timesince
    from django.utils.translation import gettext

    now = now or timezone.now()
    if (now - value).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, now, depth=1)}


@register.filter
def in_reader_language(texts, fallback=""):
    """Return ``texts[active language]`` (a text stored in every language), else ``fallback``.

    ``{{ error.messages|in_reader_language:error.message }}``: rows stored before
    the languages were kept have only the fallback.
    """
    language = (translation.get_language() or "").split("-")[0]
    if isinstance(texts, dict) and texts.get(language):
        return texts[language]
    return fallback
