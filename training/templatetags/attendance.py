"""Template tags of attendance: the live count of today's meeting on HR's roster."""

import datetime

from django import template
from django.utils import timezone

from ..services import attendance

register = template.Library()

# The count shows from a little before the meeting, when people start to scan.
EARLY = datetime.timedelta(minutes=30)


@register.inclusion_tag("training/hr/_attendance_live.html")
def attendance_live(session):
    """``{% attendance_live session %}``: the meeting running now and its live count, if any."""
    now = timezone.now()
    meeting = (
        session.meetings.filter(start__lte=now + EARLY, end__gte=now, is_cancelled=False)
        .order_by("start")
        .first()
    )
    if meeting is None:
        return {}
    return {"session": session, "meeting": meeting, "counts": attendance.meeting_counts(meeting)}
