"""Month and week grids of sessions, each placed on its local day."""

import calendar
import copy
import datetime

from django.utils import timezone

from districts import localtime

# Dates a calendar or a month filter may show are the portal's one range
# (beyond it the neighbouring month or week would not exist).
from districts.validation import EARLIEST, LATEST


def parse_day(raw: str, *, default: datetime.date) -> datetime.date:
    """Return the ISO date ``raw`` when it is valid and in range, else ``default``."""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return default
    return day if EARLIEST <= day <= LATEST else default


def month_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the aware first instant of ``day``'s month and of the next month."""
    zone = timezone.get_current_timezone()
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(first, datetime.time(0), tzinfo=zone),
        datetime.datetime.combine(following, datetime.time(0), tzinfo=zone),
    )


def grid_range(day: datetime.date, view: str) -> list[list[datetime.date]]:
    """Return the weeks (Monday first) shown for ``view`` ("month" or "week")."""
    if view == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return [[monday + datetime.timedelta(days=n) for n in range(7)]]
    return calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)


def span(weeks) -> tuple[datetime.datetime, datetime.datetime]:
    """Return aware bounds that cover every day of ``weeks`` in any Indonesian zone."""
    first, last = weeks[0][0], weeks[-1][-1]
    utc = datetime.UTC
    return (
        datetime.datetime.combine(first, datetime.time(0), tzinfo=utc)
        - datetime.timedelta(hours=9),
        datetime.datetime.combine(last, datetime.time(0), tzinfo=utc) + datetime.timedelta(days=1),
    )


def place(sessions, weeks, *, holidays=None, today=None) -> list[list[dict]]:
    """Return ``weeks`` as rows of ``{"day", "sessions", "holidays", "today"}``.

    Sessions fall on their local days; ``holidays`` maps a date to its holidays
    (national, cuti bersama, regional); ``today`` is marked.
    """
    holidays = holidays or {}
    by_day = {}
    for session in sessions:
        # A session with several meetings shows on each meeting's day, at its time.
        meetings = list(session.meetings.all())
        for number, meeting in enumerate(meetings or [session], start=1):
            shown = copy.copy(session)
            shown.start, shown.end = meeting.start, meeting.end
            shown.meeting_label = f"{number}/{len(meetings)}" if len(meetings) > 1 else ""
            local_day = localtime.in_zone(meeting.start, session.district.time_zone).date()
            by_day.setdefault(local_day, []).append(shown)
    for day_sessions in by_day.values():
        day_sessions.sort(key=lambda item: item.start)
    return [
        [
            {
                "day": day,
                "sessions": by_day.get(day, []),
                "holidays": holidays.get(day, []),
                "today": day == today,
            }
            for day in week
        ]
        for week in weeks
    ]


def neighbours(day: datetime.date, view: str) -> tuple[datetime.date, datetime.date]:
    """Return the dates of the previous and next month or week."""
    if view == "week":
        return day - datetime.timedelta(weeks=1), day + datetime.timedelta(weeks=1)
    first = day.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return previous, following
