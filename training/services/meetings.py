"""Meetings of a session: keep the session's span equal to its meetings.

Readers that only need "when does this session start and end" keep reading
``TrainingSession.start``/``end``; every write to a session's meetings goes
through here, so that span stays the first start and the last end.
"""

import datetime

from django.db.models import Max, Min
from django.utils import formats
from django.utils.translation import ngettext

from districts import localtime

from ..models import Meeting, TrainingSession

# The join link of an online meeting shows this long before it starts.
JOIN_LINK_OPENS = datetime.timedelta(minutes=30)
# Enrolments that take part in the meetings (see the join link, check in).
TAKING_PART = ("approved", "attended", "partial", "no_show")


def join_link_shown(meeting: Meeting, *, taking_part: bool, now: datetime.datetime) -> bool:
    """Whether a participant sees the meeting's join link: from ``JOIN_LINK_OPENS`` before."""
    return taking_part and meeting.start - JOIN_LINK_OPENS <= now


def sync_span(session: TrainingSession) -> TrainingSession:
    """Set the session's start and end to the span of its meetings (saved when changed)."""
    span = Meeting.objects.filter(session=session).aggregate(start=Min("start"), end=Max("end"))
    if span["start"] is None:
        return session
    if (session.start, session.end) != (span["start"], span["end"]):
        session.start, session.end = span["start"], span["end"]
        session.save(update_fields=["start", "end", "updated_at"])
    return session


def mark_cancelled(session: TrainingSession) -> None:
    """Mirror a cancelled session on its meetings (they free their venues)."""
    Meeting.objects.filter(session=session).update(
        is_cancelled=session.status == TrainingSession.Status.CANCELLED
    )


def single_meeting(session: TrainingSession) -> Meeting:
    """Create the one meeting of a session scheduled as a single interval."""
    return Meeting.objects.create(
        session=session,
        start=session.start,
        end=session.end,
        venue=session.venue,
        is_online=bool(session.online_url) and session.venue_id is None,
        join_link=session.online_url,
        instructor=session.instructor,
        is_cancelled=session.status == TrainingSession.Status.CANCELLED,
    )


def follow_session(session: TrainingSession) -> None:
    """After a session's single interval or place was edited, move its one meeting with it.

    A session with several meetings keeps them (they are edited one by one);
    its span is recomputed from them.
    """
    meetings = list(Meeting.objects.filter(session=session))
    if len(meetings) > 1:
        sync_span(session)
        return
    if not meetings:
        single_meeting(session)
        return
    meeting = meetings[0]
    meeting.start, meeting.end = session.start, session.end
    meeting.venue = session.venue
    meeting.instructor = session.instructor
    meeting.join_link = session.online_url
    meeting.is_online = bool(session.online_url) and session.venue_id is None
    meeting.save()


def day_span(start: datetime.datetime, end: datetime.datetime, time_zone: str) -> str:
    """Return the local days of ``[start, end)``: ``7–9 Desember 2026``, across months too."""
    first = localtime.in_zone(start, time_zone).date()
    last = localtime.in_zone(end - datetime.timedelta(microseconds=1), time_zone).date()
    if first == last:
        return formats.date_format(first, "DATE_FORMAT")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{formats.date_format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{formats.date_format(first, 'j F')} – {formats.date_format(last, 'j F Y')}"
    return f"{formats.date_format(first, 'j F Y')} – {formats.date_format(last, 'j F Y')}"


def describe(session: TrainingSession) -> str:
    """Return when a session meets: its time range, or ``3 pertemuan · 7–9 Desember 2026``."""
    zone = session.district.time_zone
    meetings = list(session.meetings.all())
    if len(meetings) <= 1:
        return localtime.format_range(session.start, session.end, zone)
    count = ngettext("%(count)d meeting", "%(count)d meetings", len(meetings)) % {
        "count": len(meetings)
    }
    return f"{count} · {day_span(session.start, session.end, zone)}"
