"""Shared arrangements for the HR session tests: the schedule form's POST data."""

import datetime

from tests.factories import session_day


def session_form(program, venue, **overrides) -> dict:
    """Return the HR schedule form's data for the factories' session day, 08.00-12.00.

    The day is a working day a week or more ahead (7 December 2026 with the clock
    pinned); enrolment opens 36 days before it and closes 3 days before.
    """
    day = session_day()
    opens = day - datetime.timedelta(days=36)
    closes = day - datetime.timedelta(days=3)
    data = {
        "program": program.pk,
        "date": day.isoformat(),
        "start_time": "08:00",
        "end_time": "12:00",
        "venue": venue.pk,
        "online_url": "",
        "instructor": "",
        "capacity": "20",
        "enrollment_opens_at": f"{opens.isoformat()}T08:00",
        "enrollment_closes_at": f"{closes.isoformat()}T16:00",
        "repeat_weeks": "1",
        "extra_dates": "",
        "override_reason": "",
    }
    return {**data, **overrides}
