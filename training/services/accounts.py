"""HR help with logins: send a person of the district a link to choose a password."""

from districts import passwords
from districts.models import CivilServant

from ..models import AuditEntry
from . import audit


def send_password_reset(*, person: CivilServant, actor) -> bool:
    """Email ``person`` a reset link and record who sent it; False if no address is known.

    The link is the one the person would get by asking (Django's token, valid
    once); HR never sees or sets the password.
    """
    if not passwords.send_reset_link(person.user):
        return False
    audit.record(
        session=None,
        district_id=person.district_id,
        actor=actor,
        action=AuditEntry.Action.PASSWORD_RESET_SENT,
        detail=f"{person.full_name} ({person.nip_display})",
    )
    return True
