"""Writes for sessions: schedule (also in series), edit/reschedule, publish, cancel."""

import dataclasses
import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from districts import localtime

from ..models import AuditEntry, Meeting, TrainingSession, Venue
from . import audit, budget, reminders, session_notices
from . import enrollment as enrollment_service
from . import meetings as meeting_service
from .overlap import overlapping_pairs
from .warnings import Warning, session_warnings

Interval = tuple[datetime.datetime, datetime.datetime]


class WarningsNeedReason(Exception):
    """Raised when warnings exist and no override reason was given."""

    def __init__(self, warnings: list[Warning]):
        super().__init__("warnings need a reason")
        self.warnings = warnings


def _check(
    *,
    district,
    intervals,
    venue,
    instructor,
    override_reason,
    capacity=None,
    exclude_ids=(),
    places=None,
    extra=(),
):
    """Lock the venues, refuse a venue clash, and return the warnings to override.

    ``places`` gives each interval its own ``(venue_id, instructor_id)``.
    ``capacity`` above the seats of a venue used is a warning; ``extra`` are
    warnings found elsewhere (the budget's), overridden with the same reason.
    """
    if places is None:
        places = [(venue.pk if venue else None, instructor.pk if instructor else None)] * len(
            intervals
        )
    venue_ids = sorted({venue_id for venue_id, _instructor in places if venue_id})
    venue_seats = None
    if venue_ids:
        # Serialises bookings of one venue, so two officers cannot both take a slot.
        locked = list(Venue.objects.select_for_update().filter(pk__in=venue_ids).order_by("pk"))
        # A venue whose seats are not recorded limits nothing.
        venue_seats = min((b.capacity for b in locked if b.capacity is not None), default=None)
    found = session_warnings(
        district=district,
        intervals=intervals,
        exclude_ids=exclude_ids,
        places=places,
        capacity=capacity,
        venue_seats=venue_seats,
    ) + list(extra)
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
    extra_warnings: list[Warning] = (),
) -> list[TrainingSession]:
    """Create a draft session of ``program`` at each interval (a series when several).

    The enrolment window is given for the first interval and moves with each later one.
    ``extra_warnings`` (the budget's) need the override reason too; they go to the first
    session's record.
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
            capacity=capacity,
            override_reason=override_reason,
            extra=extra_warnings,
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


def _cost_terms(session: TrainingSession) -> tuple:
    """Return what the session's cost and its budget year depend on."""
    year = localtime.local_year(session.start, session.district.time_zone)
    return (session.cost_amount, session.cost_basis, session.capacity, year)


@dataclasses.dataclass
class MeetingPlan:
    """One meeting as HR plans it: its interval, and a venue or online (or both)."""

    start: datetime.datetime
    end: datetime.datetime
    venue: Venue | None = None
    is_online: bool = False
    join_link: str = ""
    instructor: object = None
    pk: int | None = None

    @property
    def interval(self) -> Interval:
        return (self.start, self.end)

    @property
    def place(self) -> tuple:
        return (
            self.venue.pk if self.venue else None,
            self.instructor.pk if self.instructor else None,
        )


def _refuse_overlapping(plans: list[MeetingPlan]) -> None:
    pairs = overlapping_pairs([(n, p.start, p.end) for n, p in enumerate(plans)])
    if pairs or any(plan.end <= plan.start for plan in plans):
        raise ValidationError(
            {"meetings": _("Each meeting must end after it starts, and meetings may not overlap.")}
        )


def _write_meetings(session: TrainingSession, plans: list[MeetingPlan]) -> dict:
    """Make the session's meetings be ``plans`` (kept by pk); return the moved ``{pk: old}``."""
    current = {meeting.pk: meeting for meeting in Meeting.objects.filter(session=session)}
    kept = {plan.pk for plan in plans if plan.pk in current}
    moved = {}
    Meeting.objects.filter(session=session).exclude(pk__in=kept).delete()
    for plan in plans:
        meeting = current.get(plan.pk) or Meeting(session=session)
        if meeting.pk and (meeting.start, meeting.end) != plan.interval:
            moved[meeting.pk] = (meeting.start, meeting.end)
        meeting.start, meeting.end = plan.start, plan.end
        meeting.venue = plan.venue
        meeting.is_online = plan.is_online
        meeting.join_link = plan.join_link if plan.is_online or plan.join_link else ""
        meeting.instructor = plan.instructor
        meeting.is_cancelled = session.status == TrainingSession.Status.CANCELLED
        meeting.full_clean(exclude=["session"])
        meeting.save()
    # The session's own place is its first meeting's (readers of one place keep working).
    first = min(plans, key=lambda plan: plan.start)
    session.venue = first.venue
    session.online_url = first.join_link
    meeting_service.sync_span(session)
    TrainingSession.objects.filter(pk=session.pk).update(
        venue=first.venue, online_url=first.join_link
    )
    return moved


def schedule_session(
    *,
    program,
    meetings: list[MeetingPlan],
    capacity: int,
    instructor=None,
    enrollment_opens_at: datetime.datetime | None = None,
    enrollment_closes_at: datetime.datetime | None = None,
    override_reason: str = "",
    recorded_afterwards: bool = False,
    now: datetime.datetime | None = None,
    actor,
    extra_warnings: list[Warning] = (),
) -> TrainingSession:
    """Create one draft session of ``program`` that meets at each of ``meetings``.

    One enrolment, one seat and one completion cover every meeting; the JP
    credited is the program's, once. ``recorded_afterwards`` records a
    training already held (every meeting ended before ``now``): it is
    completed at once, never open to enrol, and HR adds who took part.
    """
    if not meetings:
        raise ValidationError({"meetings": _("Add at least one meeting.")})
    plans = sorted(meetings, key=lambda plan: plan.start)
    _refuse_overlapping(plans)
    if recorded_afterwards and (now is None or plans[-1].end > now):
        raise ValidationError(
            {"meetings": _("A training entered afterwards must have ended already.")}
        )
    intervals = [plan.interval for plan in plans]
    with transaction.atomic():
        found = _check(
            district=program.district,
            intervals=intervals,
            venue=None,
            instructor=None,
            capacity=capacity,
            override_reason=override_reason,
            places=[plan.place for plan in plans],
            extra=extra_warnings,
        )
        session = TrainingSession(
            program=program,
            district=program.district,
            venue=plans[0].venue,
            online_url=plans[0].join_link,
            instructor=instructor,
            start=plans[0].start,
            end=max(plan.end for plan in plans),
            capacity=capacity,
            enrollment_opens_at=enrollment_opens_at,
            enrollment_closes_at=enrollment_closes_at,
            override_reason=override_reason.strip() if found else "",
            recorded_afterwards=recorded_afterwards,
            status=TrainingSession.Status.COMPLETED
            if recorded_afterwards
            else TrainingSession.Status.DRAFT,
            created_by=actor,
        )
        _save(session, then=lambda saved: _write_meetings(saved, plans))
        zone = session.district.time_zone
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.CREATED,
            detail="; ".join(localtime.format_range(a, b, zone) for a, b in intervals),
        )
        _record_override(
            session=session, actor=actor, warnings=found, reason=override_reason.strip()
        )
    return session


def update_meetings(
    *,
    session: TrainingSession,
    meetings: list[MeetingPlan],
    override_reason: str = "",
    actor,
    now: datetime.datetime,
) -> TrainingSession:
    """Replace a session's meetings (kept by pk); a moved meeting is told to everyone enrolled."""
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be changed."))
    if session.status == TrainingSession.Status.COMPLETED:
        raise ValidationError(_("A completed session cannot be changed or rescheduled any more."))
    if not meetings:
        raise ValidationError({"meetings": _("Add at least one meeting.")})
    plans = sorted(meetings, key=lambda plan: plan.start)
    _refuse_overlapping(plans)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        before = list(Meeting.objects.filter(session=session).values_list("pk", "start", "end"))
        found = _check(
            district=session.district,
            intervals=[plan.interval for plan in plans],
            venue=None,
            instructor=None,
            capacity=session.capacity,
            override_reason=override_reason,
            exclude_ids=(session.pk,),
            places=[plan.place for plan in plans],
        )
        moved = {}

        def write(saved):
            moved.update(_write_meetings(saved, plans))

        if found:
            session.override_reason = override_reason.strip()
        _save(session, then=write)
        session.refresh_from_db()
        after = list(Meeting.objects.filter(session=session).values_list("pk", "start", "end"))
        zone = session.district.time_zone
        changed = before != after
        if changed:
            # Calendars replace an event only when its SEQUENCE grows.
            session.sequence += 1
            TrainingSession.objects.filter(pk=session.pk).update(sequence=session.sequence)
        audit.record(
            session=session,
            district_id=session.district_id,
            actor=actor,
            action=AuditEntry.Action.RESCHEDULED if changed else AuditEntry.Action.UPDATED,
            detail="; ".join(localtime.format_range(a, b, zone) for _pk, a, b in after)
            if changed
            else "",
        )
        _record_override(
            session=session, actor=actor, warnings=found, reason=override_reason.strip()
        )
        if changed:
            session_notices.record_session_change(
                session=session, change="rescheduled", moved=sorted(moved)
            )
            reminders.queue_session_recheck(session.pk, now=now)
    return session


def _notify(session: TrainingSession, change: str) -> None:
    """Record the notices to everyone enrolled now; they are sent after the commit."""
    session_notices.record_session_change(session=session, change=change)


def update_session(
    *,
    session: TrainingSession,
    data: dict,
    meetings: list[MeetingPlan] | None = None,
    override_reason: str = "",
    actor,
    now: datetime.datetime,
) -> TrainingSession:
    """Change a session; a new time is a reschedule that tells everyone enrolled.

    With ``meetings`` the session's meetings become those (see
    :func:`update_meetings`) and ``data``'s times and place are theirs. A
    larger capacity moves people off the waitlist; a capacity below the seats
    already taken is refused.
    """
    if meetings is not None:
        data = {
            name: value
            for name, value in data.items()
            if name not in {"start", "end", "venue", "online_url"}
        }
        with transaction.atomic():
            session = update_session(
                session=session, data=data, override_reason=override_reason, actor=actor, now=now
            )
            return update_meetings(
                session=session,
                meetings=meetings,
                override_reason=override_reason,
                actor=actor,
                now=now,
            )
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be changed."))
    if session.status == TrainingSession.Status.COMPLETED:
        raise ValidationError(_("A completed session cannot be changed or rescheduled any more."))
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        old_start, old_end = session.start, session.end
        changed = any(getattr(session, name) != value for name, value in data.items())
        old_cost = _cost_terms(session)
        for name, value in data.items():
            setattr(session, name, value)
        if changed:
            # Calendars replace an event only when its SEQUENCE grows.
            session.sequence += 1
        own = list(Meeting.objects.filter(session=session))
        several = len(own) > 1
        intervals = [m.interval for m in own] if several else [(session.start, session.end)]
        extra = []
        if _cost_terms(session) != old_cost:
            extra = budget.ceiling_warnings(
                district=session.district,
                program_id=session.program_id,
                intervals=intervals,
                cost_amount=session.cost_amount,
                cost_basis=session.cost_basis,
                capacity=session.capacity,
                now=now,
                exclude_ids=(session.pk,),
            )
        found = _check(
            district=session.district,
            intervals=intervals,
            venue=session.venue,
            instructor=session.instructor,
            capacity=session.capacity,
            override_reason=override_reason,
            exclude_ids=(session.pk,),
            places=[(m.venue_id, m.instructor_id) for m in own] if several else None,
            extra=extra,
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


def publish_session(
    *, session: TrainingSession, actor, now: datetime.datetime | None = None
) -> TrainingSession:
    """Open a draft session to enrolment (not one that has started by ``now``)."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status != TrainingSession.Status.DRAFT:
            raise ValidationError(_("Only a draft session can be published."))
        if now is not None and session.start <= now:
            raise ValidationError(
                _(
                    "This session has already started, so it cannot be opened for enrolment. "
                    "To record a training held in the past, schedule it with “Entered "
                    "afterwards”."
                )
            )
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
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
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
