"""Writes on a session's roster: add people, completion and certificates.

Seats are taken and freed only through ``training.services.enrollment`` (the one
capacity-safe service); this module adds what HR does after that.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts import localtime
from districts.models import CivilServant

from ..models import AuditEntry, CompletionRecord, Enrollment, TrainingSession
from . import attendance, audit
from . import enrollment as enrollment_service
from .certificates import next_certificate_number

# Enrolments that may complete the training.
COMPLETABLE = ("attended", "partial")


def _who(person: CivilServant) -> str:
    """Name a person in the audit trail as HR reads them: name and spaced NIP."""
    return f"{person.full_name} ({person.nip_display})"


def add_people(
    *, session: TrainingSession, people: list[CivilServant], actor, now: datetime.datetime
) -> tuple[list[Enrollment], list[tuple[CivilServant, str]]]:
    """Enrol each person (HR bypasses the window and approval); return added and refused."""
    added, refused = [], []
    for person in people:
        try:
            added.append(
                enrollment_service.enroll(
                    session=session,
                    person=person,
                    actor=actor,
                    now=now,
                    by_hr=True,
                    confirm_clash=True,
                )
            )
        except enrollment_service.EnrollmentError as exc:
            refused.append((person, " ".join(exc.messages)))
    return added, refused


def check_started(session: TrainingSession, *, now: datetime.datetime) -> None:
    """Refuse attendance and completion for a session that has not begun yet."""
    if now < session.start:
        raise ValidationError(
            _("Attendance and completion can be recorded once the session has started.")
        )


def record_completion(
    *, session: TrainingSession, results: dict[int, dict], actor, now: datetime.datetime
) -> list[CompletionRecord]:
    """Create the completion records (and certificates for those who passed) in one go.

    ``results`` maps an enrolment id to ``{"score", "passed", "jp_credited"}`` and,
    where ``passed`` departs from what the attendance share suggests, an
    ``"override_reason"`` (stored in the audit trail).
    Either every record is written, with gap-free certificate numbers, or none.
    """
    check_started(session, now=now)
    suggestions = completion_suggestions(session)
    district = session.district
    completion_date = localtime.in_zone(session.end, district.time_zone).date()
    records = []
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        enrollments = list(
            Enrollment.objects.select_for_update()
            .filter(session=session, pk__in=list(results), status__in=COMPLETABLE)
            .select_related("civil_servant")
            .order_by("civil_servant__name", "pk")
        )
        if len(enrollments) != len(results):
            raise ValidationError(
                _("Completion can only be recorded for people who attended, once.")
            )
        for enrollment in enrollments:
            result, person = results[enrollment.pk], enrollment.civil_servant
            override = (result.get("override_reason") or "").strip()
            if result["passed"] != suggestions[enrollment.pk].passed and not override:
                raise ValidationError(
                    _("Give a reason for %(name)s: the result differs from the attendance rule.")
                    % {"name": person.full_name}
                )
            record = CompletionRecord(
                civil_servant=person,
                program=session.program,
                session=session,
                district=district,
                completion_date=completion_date,
                jp_credited=result["jp_credited"],
                score=result["score"],
                passed=result["passed"],
            )
            if record.passed:
                record.certificate_number = next_certificate_number(
                    district=district, year=completion_date.year
                )
                record.participant_name = person.full_name
                record.participant_nip = person.nip
                record.participant_rank = person.rank_display
                record.participant_position = person.position_title
                record.snapshot_issuer()
                record.issued_at = now
                record.issued_by = actor
            record.full_clean()
            record.save()
            records.append(record)
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.save(update_fields=["status", "updated_at"])
            audit.record(
                session=session,
                district_id=district.pk,
                actor=actor,
                action=AuditEntry.Action.COMPLETION_RECORDED,
                detail=f"{_who(person)}: {_('passed') if record.passed else _('did not pass')}, "
                f"{record.jp_credited} JP"
                + (f" ({_('against the attendance rule')}: {override})" if override else ""),
            )
            if record.certificate_number:
                audit.record(
                    session=session,
                    district_id=district.pk,
                    actor=actor,
                    action=AuditEntry.Action.CERTIFICATE_ISSUED,
                    detail=f"{_who(person)}: {record.certificate_number}",
                )
        session.status = TrainingSession.Status.COMPLETED
        session.save(update_fields=["status", "updated_at"])
    return records


@dataclass(frozen=True)
class Suggestion:
    """What the attendance says about one enrolment: meetings attended, and pass or fail."""

    attended: int | None
    meetings: int
    passed: bool


def completion_suggestions(session: TrainingSession) -> dict[int, Suggestion]:
    """Return, per completable enrolment, the pass/fail the program's attendance rule gives."""
    meetings = session.meetings.count()
    percent = session.program.min_attendance_percent
    counts = attendance.attended_counts(session)
    result = {}
    for enrollment in session.enrollments.filter(status__in=COMPLETABLE):
        attended = counts.get(enrollment.pk)
        result[enrollment.pk] = Suggestion(
            attended=attended,
            meetings=meetings,
            passed=attendance.suggested_pass(
                enrollment, attended=attended, meetings=meetings, percent=percent
            ),
        )
    return result
