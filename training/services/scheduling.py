"""Writes for sessions: schedule (also in series), edit/reschedule, publish, cancel."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from districts import localtime

from ..models import AuditEntry, TrainingSession, Venue
from . import audit, reminders, session_notices
from . import enrollment as enrollment_service
from . import meetings as meeting_service
from .warnings import Warning, session_warnings

Interval = tuple[datetime.datetime, datetime.datetime]


class WarningsNeedReason(Exception):
    """Raised when warnings exist and no override reason was given."""

    def __init__(self, warnings: list[Warning]):
        super().__init__("warnings need a reason")
        self.warnings = warnings


def _check(*, district, intervals, venue, instructor, override_reason, exclude_ids=()):
    """Lock the venue, refuse a venue clash, and return the warnings to override."""
    if venue is not None:
        # Serialises bookings of one venue, so two officers cannot both take a slot.
        Venue.objects.select_for_update().filter(pk=venue.pk).first()
    found = session_warnings(
        district=district,
        intervals=intervals,
        venue_id=venue.pk if venue else None,
        instructor_id=instructor.pk if instructor else None,
        exclude_ids=exclude_ids,
    )
    blocking = [warning.message for warning in found if warning.blocking]
    if blocking:
        raise ValidationError({"venue": blocking})
    if found and not override_reason.strip():
        raise WarningsNeedReason(found)
    return found


def _record_override(*, session, actor, warnings, reason):
    if warnings:
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.WARNING_OVERRIDDEN,
            detail="\n".join([reason, *(warning.message for warning in warnings)]),
        )


VENUE_CONSTRAINTS = ("session_venue_no_overlap", "meeting_venue_no_overlap")


def _save(session: TrainingSession, *, then=None) -> None:
    """Save the session (and with ``then``, its meetings) or refuse a venue booked twice."""
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
            if then is not None:
                then(session)
    except IntegrityError as exc:
        if any(name in str(exc) for name in VENUE_CONSTRAINTS):
            raise ValidationError(
                {"venue": _("The venue is already booked at that time.")}
            ) from exc
        raise


def schedule_sessions(
    *,
    program,
    intervals: list[Interval],
    capacity: int,
    venue=None,
    online_url: str = "",
    instructor=None,
    enrollment_opens_at: datetime.datetime | None = None,
    enrollment_closes_at: datetime.datetime | None = None,
    override_reason: str = "",
    actor,
) -> list[TrainingSession]:
    """Create a draft session of ``program`` at each interval (a series when several).

    The enrolment window is given for the first interval and moves with each later one.
    """
    intervals = sorted(intervals)
    series = uuid.uuid4() if len(intervals) > 1 else None
    created = []
    with transaction.atomic():
        found = _check(
            district=program.district,
            intervals=intervals,
            venue=venue,
            instructor=instructor,
            override_reason=override_reason,
        )
        first_start = intervals[0][0]
        for start, end in intervals:
            shift = start - first_start
            own_warnings = [warning for warning in found if warning.start == start]
            session = TrainingSession(
                program=program,
                district=program.district,
                venue=venue,
                online_url=online_url,
                instructor=instructor,
                start=start,
                end=end,
                capacity=capacity,
                enrollment_opens_at=enrollment_opens_at + shift if enrollment_opens_at else None,
                enrollment_closes_at=enrollment_closes_at + shift if enrollment_closes_at else None,
                series=series,
                override_reason=override_reason.strip() if own_warnings else "",
                created_by=actor,
            )
            _save(session, then=meeting_service.single_meeting)
            audit.record(
                session=session,
                district_id=session.district_id,
                actor=actor,
                action=AuditEntry.Action.CREATED,
                detail=localtime.format_range(start, end, session.district.time_zone),
            )
            _record_override(
                session=session,
                actor=actor,
                warnings=own_warnings,
                reason=override_reason.strip(),
            )
            created.append(session)
    return created


def _notify(session: TrainingSession, change: str) -> None:
    """Record the notices to everyone enrolled now; they are sent after the commit."""
    session_notices.record_session_change(session=session, change=change)


def update_session(
    *,
    session: TrainingSession,
    data: dict,
    override_reason: str = "",
    actor,
    now: datetime.datetime,
) -> TrainingSession:
    """Change a session; a new time is a reschedule that tells everyone enrolled.

    A larger capacity moves people off the waitlist; a capacity below the seats
    already taken is refused.
    """
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be changed."))
    if session.status == TrainingSession.Status.COMPLETED:
        raise ValidationError(_("A completed session cannot be changed or rescheduled any more."))
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        old_start, old_end = session.start, session.end
        for name, value in data.items():
            setattr(session, name, value)
        found = _check(
            district=session.district,
            intervals=[(session.start, session.end)],
            venue=session.venue,
            instructor=session.instructor,
            override_reason=override_reason,
            exclude_ids=(session.pk,),
        )
        if found:
            session.override_reason = override_reason.strip()
        taken = enrollment_service.seats_taken(session)
        if session.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)d seats are already taken; the capacity cannot be lower."
                    )
                    % {"taken": taken}
                }
            )
        _save(session, then=meeting_service.follow_session)
        # Freed seats go to the waitlist, in order.
        while (
            session.status == TrainingSession.Status.PUBLISHED
            and session.start > now
            and enrollment_service.promote_from_waitlist(session=session, actor=actor, now=now)
        ):
            pass
        zone = session.district.time_zone
        moved = (old_start, old_end) != (session.start, session.end)
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.RESCHEDULED if moved else AuditEntry.Action.UPDATED,
            detail=(
                f"{localtime.format_range(old_start, old_end, zone)} → "
                f"{localtime.format_range(session.start, session.end, zone)}"
                if moved
                else ""
            ),
        )
        _record_override(
            session=session, actor=actor, warnings=found, reason=override_reason.strip()
        )
        if moved:
            _notify(session, "rescheduled")
            # The new time may clash with the participants' duty schedules.
            reminders.queue_session_recheck(session.pk, now=now)
    return session


def publish_session(*, session: TrainingSession, actor) -> TrainingSession:
    """Open a draft session to enrolment."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status != TrainingSession.Status.DRAFT:
            raise ValidationError(_("Only a draft session can be published."))
        session.status = TrainingSession.Status.PUBLISHED
        session.full_clean()
        session.save(update_fields=["status", "updated_at"])
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.PUBLISHED,
        )
    return session


def cancel_session(*, session: TrainingSession, reason: str, actor) -> TrainingSession:
    """Cancel a session with a reason; everyone enrolled is told by email."""
    if not reason.strip():
        raise ValidationError({"reason": _("State why the session is cancelled.")})
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status in {TrainingSession.Status.CANCELLED, TrainingSession.Status.COMPLETED}:
            raise ValidationError(_("This session can no longer be cancelled."))
        session.status = TrainingSession.Status.CANCELLED
        session.cancel_reason = reason.strip()
        session.save(update_fields=["status", "cancel_reason", "updated_at"])
        meeting_service.mark_cancelled(session)
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.CANCELLED,
            detail=session.cancel_reason,
        )
        _notify(session, "cancelled")
    return session
