"""QR codes for the venue screen, drawn as SVG by the ``qrcode`` library."""

import base64

import qrcode
import qrcode.image.svg


def svg_data_url(text: str) -> str:
    """Return a ``data:`` URL of a QR code encoding ``text`` (for an ``<img>``)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    encoded = base64.b64encode(image.to_string()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
