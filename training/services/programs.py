"""Writes for training programs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import TrainingProgram

EDITABLE_FIELDS = (
    "code",
    "title",
    "description",
    "competency_kind",
    "form",
    "method",
    "provider",
    "jp_credited",
    "min_attendance_percent",
    "requires_supervisor_approval",
    "open_to_other_districts",
    "is_active",
)


def _check_code_free(program: TrainingProgram) -> None:
    taken = TrainingProgram.objects.filter(district_id=program.district_id, code=program.code)
    if taken.exclude(pk=program.pk).exists():
        raise ValidationError(
            {"code": _("Another program of this district already uses this code.")}
        )


def create_program(*, district, data: dict) -> TrainingProgram:
    """Create a program of ``district`` from the form's cleaned ``data``."""
    program = TrainingProgram(district=district, **{k: data[k] for k in EDITABLE_FIELDS})
    with transaction.atomic():
        _check_code_free(program)
        program.full_clean()
        program.save()
    return program


def update_program(*, program: TrainingProgram, data: dict) -> TrainingProgram:
    """Change the editable fields of ``program``."""
    for name in EDITABLE_FIELDS:
        setattr(program, name, data[name])
    with transaction.atomic():
        _check_code_free(program)
        program.full_clean()
        program.save()
    return program


def has_history(program: TrainingProgram) -> bool:
    """Return whether sessions or completion records refer to the program."""
    return program.sessions.exists() or program.completions.exists()


def retire_program(*, program: TrainingProgram) -> bool:
    """Delete a program without history, otherwise deactivate it; return True if deleted."""
    with transaction.atomic():
        if has_history(program):
            program.is_active = False
            program.save(update_fields=["is_active"])
            return False
        program.delete()
        return True
