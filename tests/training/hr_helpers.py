"""Shared arrangements for the HR session tests: the schedule form's POST data."""


def session_form(program, venue, **overrides) -> dict:
    """Return the HR schedule form's data for 7 December 2026, 08.00-12.00, with ``overrides``."""
    data = {
        "program": program.pk,
        "date": "2026-12-07",
        "start_time": "08:00",
        "end_time": "12:00",
        "venue": venue.pk,
        "online_url": "",
        "instructor": "",
        "capacity": "20",
        "enrollment_opens_at": "2026-11-01T08:00",
        "enrollment_closes_at": "2026-12-04T16:00",
        "repeat_weeks": "1",
        "extra_dates": "",
        "override_reason": "",
    }
    return {**data, **overrides}
