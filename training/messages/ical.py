"""iCalendar for sessions: email invitations (REQUEST / CANCEL) and the private feed.

A session is one VEVENT per meeting, each under its own stable UID (see
:func:`meeting_uid`): rescheduling one meeting updates that event, and
cancelling the session cancels them all.
"""

import datetime
import functools
from collections.abc import Iterable
from urllib.parse import urlparse

import icalendar
from django.conf import settings
from django.urls import reverse

from districts.models import CivilServant

from ..models import TrainingSession

# MIME types of the .ics attachments. No charset here: Django adds it, and a second
# one makes a malformed Content-Type header that some mail clients reject.
REQUEST_MIMETYPE = "text/calendar; method=REQUEST"
CANCEL_MIMETYPE = "text/calendar; method=CANCEL"


def event_uid(session: TrainingSession) -> str:
    """Return the session's stable UID: the invitation, its CANCEL and the feed share it."""
    host = urlparse(settings.PORTAL_BASE_URL).hostname or "asnportal"
    return f"sesi-{session.pk}@{host}"


def meeting_uid(session: TrainingSession, meeting, first_pk: int | None) -> str:
    """Return a meeting's stable UID: the session's for its first-created meeting.

    So a session that had one meeting (every session before meetings) keeps
    the UID people's calendars know; each added meeting gets its own.
    """
    base = event_uid(session)
    if meeting is None or meeting.pk == first_pk:
        return base
    name, _at, host = base.partition("@")
    return f"{name}-{meeting.pk}@{host}"


def _meetings(session: TrainingSession) -> list:
    return list(session.meetings.all())


def session_events(
    session: TrainingSession,
    *,
    now: datetime.datetime,
    cancelled: bool = False,
    tentative: bool = False,
) -> list[icalendar.Event]:
    """Return one VEVENT per meeting of ``session`` (one for a session without meetings)."""
    meetings = _meetings(session)
    first_pk = min((meeting.pk for meeting in meetings), default=None)
    return [
        session_event(
            session,
            now=now,
            cancelled=cancelled,
            tentative=tentative,
            meeting=meeting,
            first_pk=first_pk,
        )
        for meeting in meetings or [None]
    ]


def session_event(
    session: TrainingSession,
    *,
    now: datetime.datetime,
    cancelled: bool = False,
    tentative: bool = False,
    meeting=None,
    first_pk: int | None = None,
) -> icalendar.Event:
    """Return the VEVENT of ``session`` (of one ``meeting`` of it) in its district's zone."""
    zone = session.district.tzinfo
    where = meeting if meeting is not None else session
    venue = where.venue if where.venue_id else None
    link = meeting.join_link if meeting is not None else session.online_url
    event = icalendar.Event()
    event.add("uid", meeting_uid(session, meeting, first_pk))
    event.add("dtstamp", now)
    event.add("dtstart", where.start.astimezone(zone))
    event.add("dtend", where.end.astimezone(zone))
    event.add("summary", session.program.title)
    if venue is not None:
        place = ", ".join(filter(None, [venue.name, venue.address]))
        event.add("location", place)
    elif link:
        event.add("location", link)
    event.add("description", session.program.description or session.program.title)
    event.add("url", settings.PORTAL_BASE_URL + reverse("training:session", args=[session.pk]))
    # The sequence must grow with every change: the later of the session's last
    # edit and the moment of this message serves.
    event.add("sequence", int(max(now, session.updated_at).timestamp()))
    event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    return event


@functools.cache
def _vtimezone(zone: str) -> icalendar.Timezone:
    # Computing a VTIMEZONE walks the zone's transitions (tens of ms): once per zone.
    return icalendar.Timezone.from_tzid(zone)


def _calendar(method: str | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Portal Pelatihan ASN//ID")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def invitation(
    session: TrainingSession,
    *,
    person: CivilServant,
    now: datetime.datetime,
    cancel: bool = False,
) -> bytes:
    """Return an ``.ics`` invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL).

    The one builder of emailed ``.ics`` files: confirmations, reminders and
    session changes all carry the same UID, with a SEQUENCE that grows.
    """
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    calendar.add_component(_vtimezone(session.district.time_zone))
    for event in session_events(session, now=now, cancelled=cancel):
        organizer = icalendar.vCalAddress(
            f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}"
        )
        organizer.params["cn"] = session.district.name
        event.add("organizer", organizer)
        if person.email:
            attendee = icalendar.vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = person.full_name
            event.add("attendee", attendee)
        calendar.add_component(event)
    return calendar.to_ical()


def feed(
    sessions: Iterable[TrainingSession], *, tentative_ids: frozenset[int] = frozenset()
) -> bytes:
    """Return a subscribable calendar of ``sessions``.

    Sessions in ``tentative_ids`` (still awaiting the supervisor) are TENTATIVE.
    """
    calendar = _calendar(None)
    calendar.add("x-wr-calname", "Pelatihan ASN")
    for session in sessions:
        cancelled = session.status == TrainingSession.Status.CANCELLED
        for event in session_events(
            session,
            now=session.updated_at,
            cancelled=cancelled,
            tentative=session.pk in tentative_ids,
        ):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
