"""Attendance per meeting: HR's marks, the enrolment's summary, the share that completes.

A mark is one row per enrolment and meeting (``Attendance``). The enrolment's
status keeps a summary of them (attended every meeting, part of them, none),
which the roster, exports and dashboards read as before.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from districts import localtime

from ..models import Attendance, AuditEntry, Enrollment, Meeting, TrainingSession
from . import audit

# Enrolments whose attendance can be marked (or marked again).
MARKABLE = ("approved", "attended", "partial", "no_show")


def _who(enrollment: Enrollment) -> str:
    person = enrollment.civil_servant
    return f"{person.full_name} ({person.nip_display})"


def meeting_number(meeting: Meeting) -> int:
    """Return the meeting's place in its session, counting from 1."""
    return (
        1 + Meeting.objects.filter(session_id=meeting.session_id, start__lt=meeting.start).count()
    )


def meeting_label(meeting: Meeting) -> str:
    """Name a meeting as HR reads it: its number in the session and its local date."""
    day = localtime.in_zone(meeting.start, meeting.session.district.time_zone).date()
    return _("Meeting %(number)d, %(day)s") % {
        "number": meeting_number(meeting),
        "day": day.strftime("%d-%m-%Y"),
    }


def check_meeting_started(meeting: Meeting, *, now: datetime.datetime) -> None:
    """Refuse marks for a meeting that has not begun, or of a session not running."""
    if meeting.session.status not in {
        TrainingSession.Status.PUBLISHED,
        TrainingSession.Status.COMPLETED,
    }:
        raise ValidationError(_("Attendance can only be marked for a published session."))
    if now < meeting.start:
        raise ValidationError(_("Attendance can be recorded once the meeting has started."))


def mark_meeting(
    *,
    meeting: Meeting,
    marks: dict[int, tuple[str, str]],
    actor,
    now: datetime.datetime,
) -> int:
    """Store HR's marks ``{enrolment id: (status, reason)}`` for one meeting; return changes."""
    check_meeting_started(meeting, now=now)
    label = meeting_label(meeting)
    changed = []
    with transaction.atomic():
        enrollments = (
            Enrollment.objects.select_for_update()
            .filter(session_id=meeting.session_id, pk__in=list(marks), status__in=MARKABLE)
            .select_related("civil_servant")
            .order_by("pk")
        )
        existing = {a.enrollment_id: a for a in meeting.attendances.all()}
        for enrollment in enrollments:
            status, reason = marks[enrollment.pk]
            reason = reason.strip() if status == Attendance.Status.EXCUSED else ""
            if status not in Attendance.Status.values:
                raise ValidationError(_("Choose present, late, excused or absent."))
            mark = existing.get(enrollment.pk)
            if mark is not None and (mark.status, mark.reason) == (status, reason):
                continue
            mark = mark or Attendance(meeting=meeting, enrollment=enrollment)
            mark.status, mark.reason = status, reason
            mark.source, mark.marked_at, mark.marked_by = Attendance.Source.HR, now, actor
            mark.full_clean(exclude=["meeting", "enrollment"])
            mark.save()
            sync_enrollment(enrollment)
            shown = mark.get_status_display() + (f" ({reason})" if reason else "")
            changed.append(f"{_who(enrollment)}: {shown}")
        if changed:
            audit.record(
                session=meeting.session,
                district_id=meeting.session.district_id,
                actor=actor,
                action=AuditEntry.Action.ATTENDANCE_MARKED,
                detail=f"{label}\n" + "\n".join(changed),
            )
    return len(changed)


def sync_enrollment(enrollment: Enrollment) -> None:
    """Set the enrolment's summary status from its marks (unless it is completed)."""
    total = Meeting.objects.filter(session_id=enrollment.session_id).count()
    counts = Attendance.objects.filter(enrollment=enrollment).aggregate(
        marked=Count("pk"), attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED))
    )
    if counts["attended"] and counts["attended"] >= total:
        status = Enrollment.Status.ATTENDED
    elif counts["attended"]:
        status = Enrollment.Status.PARTIAL
    elif counts["marked"] and counts["marked"] >= total:
        status = Enrollment.Status.NO_SHOW
    else:
        status = Enrollment.Status.APPROVED
    Enrollment.objects.filter(pk=enrollment.pk, status__in=MARKABLE).exclude(status=status).update(
        status=status
    )


def attended_counts(session: TrainingSession) -> dict[int, int]:
    """Return how many meetings each marked enrolment of ``session`` attended (present or late).

    An enrolment without any mark is absent from the result.
    """
    rows = (
        Attendance.objects.filter(meeting__session=session)
        .values("enrollment_id")
        .annotate(n=Count("pk", filter=Q(status__in=Attendance.ATTENDED)))
    )
    return {row["enrollment_id"]: row["n"] for row in rows}


def meets_minimum(*, attended: int, meetings: int, percent: int) -> bool:
    """Tell whether ``attended`` of ``meetings`` reaches the program's minimum share."""
    return meetings > 0 and attended * 100 >= percent * meetings


def suggested_pass(
    enrollment: Enrollment, *, attended: int | None, meetings: int, percent: int
) -> bool:
    """Pre-fill pass/fail from the attendance share (or, with no marks, from the status)."""
    if attended is None:
        return enrollment.status == Enrollment.Status.ATTENDED
    return meets_minimum(attended=attended, meetings=meetings, percent=percent)


def meeting_counts(meeting: Meeting) -> dict[str, int]:
    """Return the live counts of a meeting: attending, marked and enrolled."""
    marks = meeting.attendances.filter(enrollment__status__in=MARKABLE + ("completed",))
    return {
        "present": marks.filter(status__in=Attendance.ATTENDED).count(),
        "marked": marks.count(),
        "enrolled": Enrollment.objects.filter(
            session_id=meeting.session_id, status__in=MARKABLE + ("completed",)
        ).count(),
    }
