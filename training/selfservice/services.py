"""Writes of the self-service area other than enrolment (see ``training.services.enrollment``)."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, ScheduleEntry

from ..models import Enrollment, Feedback
from ..services.reminders import queue_person_recheck
from .selectors import feedback_allowed


def save_own_entry(*, entry: ScheduleEntry, actor: AbstractBaseUser) -> ScheduleEntry:
    """Store a schedule entry the person keeps themself (never one imported by HR)."""
    if entry.source != ScheduleEntry.Source.SELF:
        raise ValidationError(_("Entries entered by HR can only be changed by HR."))
    with transaction.atomic():
        entry.entered_by = actor
        entry.full_clean()
        entry.save()
        queue_person_recheck(entry.civil_servant_id)
    return entry


def delete_own_entry(*, entry: ScheduleEntry) -> None:
    """Delete a schedule entry the person entered themself."""
    if entry.source != ScheduleEntry.Source.SELF:
        raise ValidationError(_("Entries entered by HR can only be changed by HR."))
    with transaction.atomic():
        person_id = entry.civil_servant_id
        entry.delete()
        queue_person_recheck(person_id)


def reset_calendar_token(*, person: CivilServant) -> str:
    """Give the person a new secret feed token; the old feed URL stops working."""
    with transaction.atomic():
        person.calendar_token = secrets.token_urlsafe(32)
        person.save(update_fields=["calendar_token"])
    return person.calendar_token


def give_feedback(*, enrollment: Enrollment, feedback: Feedback) -> Feedback:
    """Store the participant's feedback: once, and only after attending."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if not feedback_allowed(enrollment):
            raise ValidationError(
                _("Feedback is possible once, and only for a session you attended.")
            )
        feedback.enrollment = enrollment
        feedback.full_clean()
        feedback.save()
    return feedback
