"""The one capacity-safe enrolment service: every change of an enrolment goes through here.

API (all keyword-only; each runs in ``transaction.atomic()``):

- ``enroll(*, session, person, actor, now, by_hr=False, confirm_clash=False) -> Enrollment``
  Approved at once; ``requested`` when the program requires supervisor approval,
  the person has a supervisor and HR is not the one enrolling (``by_hr``);
  ``waitlisted`` (with ``waitlisted_at=now``) when every seat is taken.
  Refused with ``EnrollmentError`` (code in ``.code``) when: ``already_enrolled``,
  ``not_open`` (draft, cancelled or completed session), ``started``,
  ``window_not_open`` / ``window_closed`` (HR may bypass the window with ``by_hr``),
  ``other_district`` (program not open to the person's district), ``inactive``,
  ``clash`` (the conflict engine reports clashes and ``confirm_clash`` is False;
  ``error.params["conflicts"]`` holds them).
- ``cancel_enrollment(*, enrollment, actor, now, reason="") -> Enrollment``
  Before the session starts; if it held a seat, the first waitlisted person (by
  ``waitlisted_at``, id) is promoted in the same transaction.
- ``approve_request(*, enrollment, actor, now, note="") -> Enrollment``
- ``reject_request(*, enrollment, actor, now, note="") -> Enrollment``
  (frees the seat, so the waitlist moves up).
- ``promote_from_waitlist(*, session, actor, now, enrollment=None) -> Enrollment | None``
  Move the first waitlisted person (or the given one, for HR) onto a free seat;
  ``None`` when nobody waits; ``EnrollmentError("full")`` if a named person
  cannot be promoted for want of a seat.
- ``waitlist_position(enrollment) -> int | None`` (1 is next in line).
- ``seats_taken(session) -> int``, ``seats_left(session) -> int``.

Seats are held by ``Enrollment.SEAT_HOLDING``. The seat check runs under a row
lock on the session (``_lock_session``), taken late and in one place, so two
people can never take the last seat (SQLite serialises writers by itself).
Authorisation is the caller's job (views go through ``districts.scoping``).
The people concerned are told by email, with an ``.ics``: the notice is
recorded in the same transaction (``enrollment_notices``) and sent after the
commit by the outbox (claimed once, retried, swept), and their conflicts are
re-checked (``reminders.queue_person_recheck``); every change is
written to the session's audit log.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from ..models import AuditEntry, Enrollment, TrainingSession
from . import conflicts, enrollment_notices, reminders


class EnrollmentError(ValidationError):
    """An enrolment change that is refused; ``code`` says why, the message says it in words."""

    def __init__(self, message, code: str, params: dict | None = None):
        super().__init__(message, code=code, params=params)


def seats_taken(session: TrainingSession) -> int:
    """Return how many of the session's seats are held."""
    return Enrollment.objects.filter(session=session, status__in=Enrollment.SEAT_HOLDING).count()


def seats_left(session: TrainingSession) -> int:
    """Return the free seats of the session (never below zero)."""
    return max(session.capacity - seats_taken(session), 0)


def waitlist_position(enrollment: Enrollment) -> int | None:
    """Return the 1-based place on the waitlist, or None when not waitlisted."""
    if enrollment.status != Enrollment.Status.WAITLISTED:
        return None
    ahead = (
        Enrollment.objects.filter(
            session_id=enrollment.session_id, status=Enrollment.Status.WAITLISTED
        )
        .filter(
            _before(enrollment.waitlisted_at, enrollment.pk),
        )
        .count()
    )
    return ahead + 1


def _before(waitlisted_at: datetime.datetime, pk: int):
    from django.db.models import Q

    return Q(waitlisted_at__lt=waitlisted_at) | Q(waitlisted_at=waitlisted_at, pk__lt=pk)


def enroll(
    *,
    session: TrainingSession,
    person: CivilServant,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    by_hr: bool = False,
    confirm_clash: bool = False,
    pre_approved: bool = False,
) -> Enrollment:
    """Enrol ``person`` in ``session``: approved, requested or waitlisted.

    ``pre_approved``: the supervisor nominated the person, so no approval is asked.
    """
    if not person.is_active:
        raise EnrollmentError(_("This civil servant is no longer active."), "inactive")
    if not confirm_clash:
        clashes = _clashes(session=session, person=person)
        if clashes:
            raise EnrollmentError(
                _("This session clashes with your schedule. Confirm to enrol anyway."),
                "clash",
                {"conflicts": clashes},
            )
    with transaction.atomic():
        session = _lock_session(session.pk)
        if not (by_hr and session.recorded_afterwards):
            # A training entered afterwards is held already: HR adds who took part.
            _check_open(session, now=now)
        if not by_hr:
            _check_window(session, now=now)
        if (
            person.district_id != session.district_id
            and not session.program.open_to_other_districts
        ):
            raise EnrollmentError(
                _("This training is open only to civil servants of %(district)s.")
                % {"district": session.district.name},
                "other_district",
            )
        if (
            Enrollment.objects.filter(session=session, civil_servant=person)
            .exclude(status__in=Enrollment.ENDED)
            .exists()
        ):
            raise EnrollmentError(
                _("You are already enrolled in this session."), "already_enrolled"
            )
        enrollment = Enrollment(session=session, civil_servant=person, enrolled_by=actor)
        if seats_taken(session) >= session.capacity:
            enrollment.status = Enrollment.Status.WAITLISTED
            enrollment.waitlisted_at = now
        else:
            enrollment.status = _admitted_status(session, person, by_hr=by_hr or pre_approved)
        enrollment.full_clean()
        enrollment.save()
        _audit(enrollment, actor, _("%(who)s enrolled: %(status)s"))
        _notify(enrollment, enrollment.status, now=now)
    return enrollment


def cancel_enrollment(
    *,
    enrollment: Enrollment,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    reason: str = "",
) -> Enrollment:
    """Cancel before the session starts and give a freed seat to the waitlist."""
    with transaction.atomic():
        session = _lock_session(enrollment.session_id)
        enrollment = Enrollment.objects.get(pk=enrollment.pk)
        if enrollment.status not in Enrollment.ACTIVE:
            raise EnrollmentError(
                _("This enrolment can no longer be cancelled."), "not_cancellable"
            )
        if now >= session.start:
            raise EnrollmentError(
                _("The session has already started; it can no longer be cancelled."), "started"
            )
        held_seat = enrollment.status in Enrollment.SEAT_HOLDING
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.cancelled_at = now
        enrollment.cancel_reason = reason
        enrollment.full_clean()
        enrollment.save()
        _audit(enrollment, actor, _("%(who)s: enrolment cancelled"))
        _notify(enrollment, "cancelled", now=now)
        if held_seat:
            _promote_next(session, actor=actor, now=now)
    return enrollment


def approve_request(
    *,
    enrollment: Enrollment,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    note: str = "",
) -> Enrollment:
    """Approve a request awaiting the supervisor: the seat it holds becomes final."""
    return _decide(
        enrollment=enrollment, actor=actor, now=now, note=note, status=Enrollment.Status.APPROVED
    )


def reject_request(
    *,
    enrollment: Enrollment,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    note: str = "",
) -> Enrollment:
    """Reject a request awaiting approval, with a reason; its seat goes to the waitlist."""
    if not note.strip():
        raise EnrollmentError(_("Give a reason for rejecting the request."), "reason_required")
    return _decide(
        enrollment=enrollment, actor=actor, now=now, note=note, status=Enrollment.Status.REJECTED
    )


def decide_requests(
    *,
    enrollments: list[Enrollment],
    approve: bool,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    note: str = "",
) -> tuple[list[Enrollment], list[tuple[Enrollment, str]]]:
    """Approve or reject several requests, each in its own transaction.

    Return the decided enrolments and ``(enrolment, reason)`` for each one that
    could not be decided (no longer awaiting approval, session started...).
    """
    decide = approve_request if approve else reject_request
    done, failed = [], []
    for enrollment in enrollments:
        try:
            done.append(decide(enrollment=enrollment, actor=actor, now=now, note=note))
        except EnrollmentError as error:
            failed.append((enrollment, error.messages[0]))
    return done, failed


def promote_from_waitlist(
    *,
    session: TrainingSession,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    enrollment: Enrollment | None = None,
) -> Enrollment | None:
    """Move the first waitlisted person (or ``enrollment``) onto a free seat."""
    with transaction.atomic():
        session = _lock_session(session.pk)
        if enrollment is None:
            return _promote_next(session, actor=actor, now=now)
        enrollment = Enrollment.objects.get(pk=enrollment.pk, session=session)
        if enrollment.status != Enrollment.Status.WAITLISTED:
            raise EnrollmentError(_("This person is not on the waitlist."), "not_waitlisted")
        if seats_taken(session) >= session.capacity:
            raise EnrollmentError(_("There is no free seat in this session."), "full")
        return _promote(enrollment, status=Enrollment.Status.APPROVED, actor=actor, now=now)


def _lock_session(session_id: int) -> TrainingSession:
    """Take the row lock that serialises every seat change of one session."""
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("program", "district")
        .get(pk=session_id)
    )


def _check_open(session: TrainingSession, *, now: datetime.datetime) -> None:
    if session.status != TrainingSession.Status.PUBLISHED:
        raise EnrollmentError(
            _("This session is not open for enrolment (%(status)s).")
            % {"status": session.get_status_display()},
            "not_open",
        )
    if now >= session.start:
        raise EnrollmentError(_("The session has already started."), "started")


def window_problem(session: TrainingSession, *, now: datetime.datetime) -> str | None:
    """Return why the enrolment window refuses people at ``now``, or None when it is open."""
    try:
        _check_window(session, now=now)
    except EnrollmentError as error:
        return error.messages[0]
    return None


def _check_window(session: TrainingSession, *, now: datetime.datetime) -> None:
    if session.enrollment_opens_at and now < session.enrollment_opens_at:
        raise EnrollmentError(
            _("Enrolment for this session has not opened yet."), "window_not_open"
        )
    if session.enrollment_closes_at and now >= session.enrollment_closes_at:
        raise EnrollmentError(_("Enrolment for this session has closed."), "window_closed")


def _admitted_status(session: TrainingSession, person: CivilServant, *, by_hr: bool) -> str:
    if session.program.requires_supervisor_approval and person.supervisor_id and not by_hr:
        return Enrollment.Status.REQUESTED
    return Enrollment.Status.APPROVED


def _decide(
    *,
    enrollment: Enrollment,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
    note: str,
    status: str,
) -> Enrollment:
    with transaction.atomic():
        session = _lock_session(enrollment.session_id)
        enrollment = Enrollment.objects.get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.REQUESTED:
            raise EnrollmentError(_("This enrolment is not awaiting approval."), "not_requested")
        if now >= session.start:
            raise EnrollmentError(_("The session has already started."), "started")
        enrollment.status = status
        enrollment.decided_at = now
        enrollment.decided_by = actor
        enrollment.decision_note = note
        enrollment.full_clean()
        enrollment.save()
        _audit(
            enrollment,
            actor,
            _("%(who)s: request approved")
            if status == Enrollment.Status.APPROVED
            else _("%(who)s: request rejected"),
        )
        _notify(enrollment, f"request_{status}", now=now)
        if status == Enrollment.Status.REJECTED:
            _promote_next(session, actor=actor, now=now)
    return enrollment


def _promote_next(
    session: TrainingSession, *, actor: AbstractBaseUser | None, now: datetime.datetime
) -> Enrollment | None:
    """Promote the head of the waitlist if a seat is free (the session lock is held)."""
    if seats_taken(session) >= session.capacity:
        return None
    head = (
        Enrollment.objects.filter(session=session, status=Enrollment.Status.WAITLISTED)
        .select_related("civil_servant")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if head is None:
        return None
    by_hr = head.enrolled_by_id is not None and head.enrolled_by_id != head.civil_servant.user_id
    return _promote(
        head,
        status=_admitted_status(session, head.civil_servant, by_hr=by_hr),
        actor=actor,
        now=now,
    )


def _promote(
    enrollment: Enrollment,
    *,
    status: str,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
) -> Enrollment:
    enrollment.status = status
    enrollment.waitlisted_at = None
    enrollment.full_clean()
    enrollment.save()
    _audit(enrollment, actor, _("%(who)s moved off the waitlist: %(status)s"))
    _notify(enrollment, "promoted", now=now)
    return enrollment


def _clashes(*, session: TrainingSession, person: CivilServant) -> list:
    """Return the person's clashes with the session, from the conflict engine."""
    return conflicts.clashes_for_prospective(person_id=person.pk, session_id=session.pk)


def _audit(enrollment: Enrollment, actor: AbstractBaseUser | None, what) -> None:
    """Record ``what`` (with ``%(who)s`` and ``%(status)s``) in the session's history.

    Written in the language of the moment, as HR reads it on the session page.
    """
    person = enrollment.civil_servant
    AuditEntry.objects.create(
        district_id=enrollment.session.district_id,
        session_id=enrollment.session_id,
        actor=actor,
        action=AuditEntry.Action.ENROLLMENT_CHANGED,
        detail=str(what)
        % {
            "who": f"{person.full_name} ({person.nip_display})",
            "status": enrollment.get_status_display(),
        },
    )


def _notify(enrollment: Enrollment, event: str, *, now: datetime.datetime) -> None:
    """Tell the person after the commit, and have their conflicts re-checked."""
    # Recorded with the change, sent after the commit: a broker outage delays it only.
    enrollment_notices.record_enrollment_notice(enrollment=enrollment, event=event)
    reminders.queue_person_recheck(enrollment.civil_servant_id, now=now)
