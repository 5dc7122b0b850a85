"""Writes for venues and instructors (the places and people sessions are scheduled with)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from districts.scoping import Scope

from ..models import Instructor, Venue

VENUE_FIELDS = ("name", "address", "capacity", "is_active")
INSTRUCTOR_FIELDS = ("name", "institution", "email", "civil_servant", "is_active")


def _name_taken_error() -> ValidationError:
    return ValidationError({"name": _("Another venue of this district already has this name.")})


def _check_venue_name_free(venue: Venue) -> None:
    taken = Venue.objects.filter(district_id=venue.district_id, name__iexact=venue.name)
    if taken.exclude(pk=venue.pk).exists():
        raise _name_taken_error()


def _save_venue(venue: Venue) -> Venue:
    with transaction.atomic():
        _check_venue_name_free(venue)
        venue.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                venue.save()
        except IntegrityError as exc:  # another officer saved the same name a moment ago
            raise _name_taken_error() from exc
    return venue


def create_venue(*, district, data: dict) -> Venue:
    """Create a venue of ``district`` from the form's cleaned ``data``."""
    return _save_venue(Venue(district=district, **{k: data[k] for k in VENUE_FIELDS}))


def update_venue(*, venue: Venue, data: dict) -> Venue:
    """Change the editable fields of ``venue`` (its district stays)."""
    for name in VENUE_FIELDS:
        setattr(venue, name, data[name])
    return _save_venue(venue)


def _retire(obj: Venue | Instructor) -> bool:
    with transaction.atomic():
        if obj.sessions.exists():
            obj.is_active = False
            obj.save(update_fields=["is_active"])
            return False
        obj.delete()
        return True


def retire_venue(*, venue: Venue) -> bool:
    """Delete a venue no session uses, otherwise deactivate it; return True if deleted."""
    return _retire(venue)


def can_edit_instructor(scope: Scope, instructor: Instructor) -> bool:
    """Shared instructors (no district) are kept by administrators; district HR only reads them."""
    return scope.is_admin or instructor.district_id is not None


def _save_instructor(instructor: Instructor) -> Instructor:
    with transaction.atomic():
        instructor.full_clean()
        instructor.save()
    return instructor


def create_instructor(*, district, data: dict) -> Instructor:
    """Create an instructor of ``district`` (None: shared by all districts)."""
    return _save_instructor(
        Instructor(district=district, **{k: data[k] for k in INSTRUCTOR_FIELDS})
    )


def update_instructor(*, instructor: Instructor, data: dict) -> Instructor:
    """Change the editable fields of ``instructor`` (its district stays)."""
    for name in INSTRUCTOR_FIELDS:
        setattr(instructor, name, data[name])
    return _save_instructor(instructor)


def retire_instructor(*, instructor: Instructor) -> bool:
    """Delete an instructor without sessions, otherwise deactivate; return True if deleted."""
    return _retire(instructor)
