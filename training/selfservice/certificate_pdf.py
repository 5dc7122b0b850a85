"""The certificate (STTP) as a PDF, drawn from the snapshot stored at issue.

The text is set in DejaVu Serif, shipped in ``fonts/`` with its licence and
embedded in the PDF (a subset), so every reader shows the same letters. The
issuing agency and the signatory are the ones stored on the record when it was
issued; only the logo is read from the district as it is now.
"""

import functools
import io
import logging
from pathlib import Path

import qrcode
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from districts import localtime
from districts.nip import format_nip

from ..models import CompletionRecord

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSerif"
BOLD = "DejaVuSerif-Bold"
INK = HexColor("#1b2a41")
ACCENT = HexColor("#8b1e1e")


@functools.cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, FONT_DIR / "DejaVuSerif.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONT_DIR / "DejaVuSerif-Bold.ttf"))


def _qr_image(url: str) -> ImageReader:
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _logo(record: CompletionRecord) -> ImageReader | None:
    """Return the district's logo, or None when it has none or it cannot be read."""
    logo = record.district.agency_logo
    if not logo:
        return None
    try:
        with logo.open("rb") as file:
            return ImageReader(io.BytesIO(file.read()))
    except (OSError, ValueError):
        logger.warning("The logo of district %s cannot be read.", record.district_id)
        return None


def _centred(pdf, text: str, y: float, *, font: str, size: float, width: float) -> float:
    """Draw ``text`` centred, wrapped to the page's inner width; return the y below it."""
    pdf.setFont(font, size)
    for line in simpleSplit(text, font, size, width - 6 * cm):
        pdf.drawCentredString(width / 2, y, line)
        y -= size * 1.3
    return y


def render_certificate(record: CompletionRecord, *, verify_url: str) -> bytes:
    """Return the PDF of a passed completion's certificate, with a QR code to ``verify_url``."""
    _register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(
        buffer, pagesize=(width, height), pageCompression=1, initialFontName=REGULAR
    )
    agency = record.agency_name or record.district.name
    with translation.override("id"):
        pdf.setTitle(f"{_('Certificate')} {record.certificate_number}")
        pdf.setAuthor(agency)
        pdf.setSubject(
            _("Certificate of training completion (STTP)")
            + f": {record.program.title} — {record.participant_name}"
        )
        pdf.setCreator(_("ASN Training Portal"))
        pdf.setKeywords(["STTP", record.certificate_number or "", record.district.name])
        pdf.setFillColor(INK)
        pdf.setStrokeColor(ACCENT)
        pdf.setLineWidth(4)
        pdf.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
        pdf.setLineWidth(1)
        pdf.rect(1.3 * cm, 1.3 * cm, width - 2.6 * cm, height - 2.6 * cm)

        top = height - 2.2 * cm
        logo = _logo(record)
        if logo is not None:
            size = 1.9 * cm
            pdf.drawImage(
                logo,
                width / 2 - size / 2,
                top - size,
                size,
                size,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
            top -= size + 0.3 * cm
        y = _centred(pdf, agency.upper(), top - 0.3 * cm, font=BOLD, size=14, width=width)
        pdf.setStrokeColor(INK)
        pdf.line(width / 2 - 8 * cm, y + 0.15 * cm, width / 2 + 8 * cm, y + 0.15 * cm)

        y -= 1.1 * cm
        pdf.setFillColor(ACCENT)
        y = _centred(pdf, _("CERTIFICATE"), y, font=BOLD, size=26, width=width)
        pdf.setFillColor(INK)
        y = _centred(
            pdf,
            _("Certificate of training completion (STTP)"),
            y,
            font=REGULAR,
            size=12,
            width=width,
        )
        y = _centred(
            pdf,
            f"{_('Number')}: {record.certificate_number}",
            y,
            font=REGULAR,
            size=11,
            width=width,
        )
        y -= 0.3 * cm
        y = _centred(pdf, _("This certifies that"), y, font=REGULAR, size=12, width=width)
        y = _centred(pdf, record.participant_name, y - 0.2 * cm, font=BOLD, size=20, width=width)
        lines = [
            f"NIP {format_nip(record.participant_nip)}",
            record.participant_rank,
            record.participant_position,
        ]
        for line in filter(None, lines):
            y = _centred(pdf, line, y, font=REGULAR, size=11, width=width)
        y -= 0.2 * cm
        y = _centred(pdf, _("has passed the training"), y, font=REGULAR, size=12, width=width)
        y = _centred(pdf, record.program.title, y - 0.1 * cm, font=BOLD, size=15, width=width)
        session = record.session
        if session is not None:
            when = localtime.format_range(session.start, session.end, session.district.time_zone)
            place = session.venue.name if session.venue_id else (session.online_url or "")
        else:
            when = formats.date_format(record.completion_date, "DATE_FORMAT")
            place = ""
        details = f"{when}" + (f" · {place}" if place else "")
        y = _centred(pdf, details, y, font=REGULAR, size=11, width=width)
        result = _("Result: passed") + (
            f" ({formats.number_format(record.score, 2)})" if record.score is not None else ""
        )
        _centred(pdf, f"{result} · {record.jp_credited} JP", y, font=REGULAR, size=11, width=width)

        # The signature block, bottom right: place and date, position, space to
        # sign, name, NIP.
        issued = (record.issued_at or record.created_at).astimezone(record.district.tzinfo)
        x = width - 7 * cm
        pdf.setFont(REGULAR, 10.5)
        pdf.drawCentredString(
            x,
            4.8 * cm,
            f"{record.district.name}, {formats.date_format(issued.date(), 'j F Y')}",
        )
        for number, line in enumerate(
            simpleSplit(record.signatory_position or agency, REGULAR, 10.5, 9 * cm)[:2]
        ):
            pdf.drawCentredString(x, (4.3 - 0.45 * number) * cm, line)
        if record.signatory_name:
            pdf.setFont(BOLD, 11)
            pdf.drawCentredString(x, 2.4 * cm, record.signatory_name)
            name_width = pdf.stringWidth(record.signatory_name, BOLD, 11)
            pdf.line(x - name_width / 2, 2.3 * cm, x + name_width / 2, 2.3 * cm)
        if record.signatory_nip:
            pdf.setFont(REGULAR, 10)
            pdf.drawCentredString(x, 1.85 * cm, f"NIP {format_nip(record.signatory_nip)}")

        # Verification, bottom left.
        pdf.drawImage(_qr_image(verify_url), 2.2 * cm, 2.0 * cm, 3.2 * cm, 3.2 * cm)
        pdf.setFont(REGULAR, 7)
        pdf.drawString(2.2 * cm, 1.65 * cm, _("Check this certificate:") + f" {verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
