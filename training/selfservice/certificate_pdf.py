"""The certificate (STTP) as a PDF, drawn from the snapshot stored at issue."""

import io

import qrcode
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from districts import localtime
from districts.nip import format_nip

from ..models import CompletionRecord


def _qr_image(url: str) -> ImageReader:
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def render_certificate(record: CompletionRecord, *, verify_url: str) -> bytes:
    """Return the PDF of a passed completion's certificate, with a QR code to ``verify_url``."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    with translation.override("id"):
        pdf.setTitle(f"{_('Certificate')} {record.certificate_number}")
        pdf.setLineWidth(3)
        pdf.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
        pdf.setFont("Helvetica-Bold", 28)
        pdf.drawCentredString(width / 2, height - 3.5 * cm, _("CERTIFICATE"))
        pdf.setFont("Helvetica", 13)
        pdf.drawCentredString(
            width / 2,
            height - 4.4 * cm,
            _("Certificate of training completion (STTP)"),
        )
        pdf.drawCentredString(
            width / 2, height - 5.2 * cm, f"{_('Number')}: {record.certificate_number}"
        )
        pdf.drawCentredString(width / 2, height - 6.6 * cm, _("This certifies that"))
        pdf.setFont("Helvetica-Bold", 20)
        pdf.drawCentredString(width / 2, height - 7.8 * cm, record.participant_name)
        pdf.setFont("Helvetica", 12)
        lines = [
            f"NIP {format_nip(record.participant_nip)}",
            record.participant_rank,
            record.participant_position,
        ]
        y = height - 8.8 * cm
        for line in filter(None, lines):
            pdf.drawCentredString(width / 2, y, line)
            y -= 0.6 * cm
        y -= 0.4 * cm
        pdf.drawCentredString(width / 2, y, _("has passed the training"))
        pdf.setFont("Helvetica-Bold", 15)
        pdf.drawCentredString(width / 2, y - 0.9 * cm, record.program.title)
        pdf.setFont("Helvetica", 12)
        session = record.session
        if session is not None:
            when = localtime.format_range(session.start, session.end, session.district.time_zone)
            place = session.venue.name if session.venue_id else (session.online_url or "")
        else:
            when = formats.date_format(record.completion_date, "DATE_FORMAT")
            place = ""
        details = f"{when}" + (f" · {place}" if place else "")
        pdf.drawCentredString(width / 2, y - 1.7 * cm, details)
        result = _("Result: passed") + (
            f" ({formats.number_format(record.score, 2)})" if record.score is not None else ""
        )
        pdf.drawCentredString(
            width / 2,
            y - 2.4 * cm,
            f"{result} · {record.jp_credited} JP",
        )
        issued = (record.issued_at or record.created_at).astimezone(record.district.tzinfo)
        pdf.setFont("Helvetica", 10)
        pdf.drawString(
            2 * cm,
            2 * cm,
            f"{record.district.name}, {formats.date_format(issued.date(), 'DATE_FORMAT')}",
        )
        pdf.drawImage(_qr_image(verify_url), width - 5.5 * cm, 1.6 * cm, 3.5 * cm, 3.5 * cm)
        pdf.setFont("Helvetica", 7)
        pdf.drawRightString(width - 2 * cm, 1.3 * cm, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
