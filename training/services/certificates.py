"""Certificate numbers: a gap-free sequence per district and year."""

from django.db import transaction

from districts.models import District

from ..models import CertificateSequence


def next_certificate_number(*, district: District, year: int) -> str:
    """Take the next number of ``district``'s sequence for ``year`` and format it.

    Call inside the transaction that stores the certificate: the row lock is
    held until it commits, so numbers are never skipped nor used twice.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_certificate_number() must run inside a transaction.")
    CertificateSequence.objects.get_or_create(district=district, year=year)
    sequence = CertificateSequence.objects.select_for_update().get(district=district, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return district.certificate_template.format(seq=sequence.last_number, year=year)
