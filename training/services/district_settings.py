"""HR's settings of a district: its HR mailbox, and the agency and signatory on certificates."""

from django.core.files.base import ContentFile
from django.db import transaction

from districts.logos import checked_logo
from districts.models import District

__all__ = ["SETTINGS_FIELDS", "checked_logo", "save_settings"]

SETTINGS_FIELDS = (
    "hr_email",
    "agency_name",
    "signatory_name",
    "signatory_nip",
    "signatory_position",
)


def save_settings(
    *,
    district: District,
    data: dict,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
) -> District:
    """Store the settings; a checked ``logo`` replaces the old one, ``remove_logo`` drops it."""
    with transaction.atomic():
        district = District.objects.select_for_update().get(pk=district.pk)
        for name in SETTINGS_FIELDS:
            setattr(district, name, data[name])
        old_logo = district.agency_logo.name
        if logo is not None:
            content, extension = logo
            district.agency_logo.save(
                f"{district.slug}-logo.{extension}", ContentFile(content), save=False
            )
        elif remove_logo:
            district.agency_logo = ""
        district.full_clean(validate_unique=False, validate_constraints=False)
        district.save()
    if old_logo and old_logo != district.agency_logo.name:
        district.agency_logo.storage.delete(old_logo)
    return district
