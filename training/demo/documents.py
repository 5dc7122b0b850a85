"""Demo settings behind the documents: each district's HR mailbox, agency and signatory.

Derived from the district and its head only (no randomness, no date), so the
demo's certificates and invitations look the same on every machine.
"""

from districts.models import CivilServant, District


def set_issuer(district: District, head: CivilServant) -> None:
    """Give ``district`` an HR mailbox, an issuing agency and its head as signatory."""
    if district.level == District.Level.KECAMATAN:
        agency = f"Kecamatan {district.name}, {district.parent_city}".rstrip(", ")
        position = f"{head.position_title} {district.name}"
    else:
        agency = f"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia {district.name}"
        position = head.position_title
    district.hr_email = f"kepegawaian.{district.slug}@portal-asn.local"
    district.agency_name = agency
    district.signatory_name = head.full_name
    district.signatory_nip = head.nip
    district.signatory_position = position
    district.save(
        update_fields=[
            "hr_email",
            "agency_name",
            "signatory_name",
            "signatory_nip",
            "signatory_position",
        ]
    )
