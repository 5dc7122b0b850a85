"""HR's settings of a district: its HR mailbox, and the agency and signatory on certificates."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from districts.models import District

SETTINGS_FIELDS = (
    "hr_email",
    "agency_name",
    "signatory_name",
    "signatory_nip",
    "signatory_position",
)
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 3000
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def checked_logo(upload) -> tuple[bytes, str]:
    """Return the bytes and extension of an uploaded logo, checked by its content.

    Only a PNG or JPEG that Pillow reads through, up to 1 MB and 3000 px a side,
    is taken; the file's name and declared type are not trusted.
    """
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 1 MB."))
    content = upload.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The logo must be a PNG or JPEG image.")) from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG image."))
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(_("The logo may be at most 3000 pixels wide and high."))
    return content, LOGO_FORMATS[kind]


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
