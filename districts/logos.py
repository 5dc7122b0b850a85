"""The agency logo printed on certificates: accepted by its content, never by its name."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

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
