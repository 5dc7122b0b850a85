"""Template tags for sessions with several meetings (pertemuan)."""

from django import template

from districts import localtime

from ..services import meetings
from ..services.session_length import format_jp, length_jp

register = template.Library()


@register.simple_tag
def session_when(session):
    """``{% session_when session %}``: a time range, or ``3 pertemuan · 7–9 Desember 2026``."""
    return meetings.describe(session)


@register.simple_tag
def meeting_when(meeting, session):
    """``{% meeting_when meeting session %}``: the meeting's local time range."""
    return localtime.format_range(meeting.start, meeting.end, session.district.time_zone)


@register.simple_tag
def meeting_jp(meeting):
    """``{% meeting_jp meeting %}``: the meeting's length in JP (``5,3``)."""
    return format_jp(length_jp(meeting.start, meeting.end))
