"""Self check-in: the venue screen's QR code and the short code of an online meeting.

The QR code carries a URL with a signed token naming the meeting and the
moment the code was drawn; the screen draws a new one every minute and a
token is good for ``CODE_LIFETIME``. The token is checked against ``now``
given by the caller, never the wall clock, so tests pin time as they please.

An online meeting has no screen in the room: the instructor reads out a short
code (six digits, derived from the meeting and the secret key), which is good
from ``ONLINE_WINDOW`` before the meeting until its end.
"""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from districts.models import CivilServant

from ..models import Attendance, Enrollment, Meeting
from . import attendance as attendance_service

SALT = "training.checkin"
SCREEN_REFRESH = datetime.timedelta(minutes=1)
# A code drawn on the screen stays good a little longer than it is shown, so
# that a person who scanned at the end of its minute still has time to confirm.
CODE_LIFETIME = datetime.timedelta(minutes=3)
ONLINE_WINDOW = datetime.timedelta(minutes=30)
SHORT_CODE_DIGITS = 6


class CheckInRefused(ValidationError):
    """A check-in that writes nothing, with the reason for the participant."""


def screen_token(meeting: Meeting, *, now: datetime.datetime) -> str:
    """Return the signed token the venue screen shows for ``meeting`` at ``now``."""
    drawn = signing.b62_encode(int(now.timestamp()))
    return signing.Signer(salt=SALT).sign(f"{meeting.pk}.{drawn}")


def read_token(meeting: Meeting, token: str, *, now: datetime.datetime) -> None:
    """Refuse a token that is forged, of another meeting, or expired at ``now``."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        meeting_pk, drawn = value.split(".")
        # Whole seconds on both sides: the token keeps no fraction of a second.
        age = int(now.timestamp()) - signing.b62_decode(drawn)
    except (signing.BadSignature, ValueError):
        raise CheckInRefused(
            _("This check-in code is not valid. Scan the code on the screen again."),
            code="invalid",
        ) from None
    if meeting_pk != str(meeting.pk):
        raise CheckInRefused(
            _("This code belongs to another meeting. Scan the code on the screen of this meeting."),
            code="other_meeting",
        )
    if not -SCREEN_REFRESH.total_seconds() <= age <= CODE_LIFETIME.total_seconds():
        raise CheckInRefused(
            _("This code has expired. Scan the code on the screen again."), code="expired"
        )


def short_code(meeting: Meeting) -> str:
    """Return the six-digit code the instructor of an online meeting reads out."""
    digest = salted_hmac(SALT, f"short.{meeting.pk}").hexdigest()
    return str(int(digest, 16) % 10**SHORT_CODE_DIGITS).zfill(SHORT_CODE_DIGITS)


def enrollment_of(meeting: Meeting, person: CivilServant) -> Enrollment:
    """Return the person's enrolment that may be marked at ``meeting``, or refuse."""
    enrollment = Enrollment.objects.filter(
        session_id=meeting.session_id,
        civil_servant=person,
        status__in=attendance_service.MARKABLE,
    ).first()
    if enrollment is None:
        raise CheckInRefused(
            _("You are not enrolled in this training, so you cannot check in."),
            code="not_enrolled",
        )
    return enrollment


def check_in(
    *, meeting: Meeting, person: CivilServant, token: str, now: datetime.datetime
) -> tuple[Attendance, bool]:
    """Mark ``person`` present at ``meeting`` with the screen's token; return (mark, new).

    A second scan changes nothing and returns the first mark with ``new`` false.
    """
    read_token(meeting, token, now=now)
    return _mark_present(meeting=meeting, person=person, source=Attendance.Source.QR, now=now)


def check_in_with_code(
    *, person: CivilServant, code: str, now: datetime.datetime
) -> tuple[Attendance, bool]:
    """Mark ``person`` present at the online meeting of theirs whose short code is ``code``."""
    for meeting in _open_online_meetings(person, now=now):
        if constant_time_compare(short_code(meeting), code.strip()):
            return _mark_present(
                meeting=meeting, person=person, source=Attendance.Source.CODE, now=now
            )
    raise CheckInRefused(
        _("This code does not match any online meeting of yours that is taking check-in now."),
        code="no_meeting",
    )


def _open_online_meetings(person: CivilServant, *, now: datetime.datetime):
    return (
        Meeting.objects.filter(
            session__enrollments__civil_servant=person,
            session__enrollments__status__in=attendance_service.MARKABLE,
            is_online=True,
            is_cancelled=False,
            start__lte=now + ONLINE_WINDOW,
            end__gte=now,
        )
        .select_related("session")
        .distinct()
    )


def _mark_present(
    *, meeting: Meeting, person: CivilServant, source: str, now: datetime.datetime
) -> tuple[Attendance, bool]:
    enrollment = enrollment_of(meeting, person)
    with transaction.atomic():
        mark, created = Attendance.objects.get_or_create(
            meeting=meeting,
            enrollment=enrollment,
            defaults={"status": Attendance.Status.PRESENT, "source": source, "marked_at": now},
        )
        if not created and mark.status not in Attendance.ATTENDED:
            # HR had marked the person absent or excused; the scan proves otherwise.
            changed = Attendance.objects.filter(
                pk=mark.pk, status__in=[Attendance.Status.ABSENT, Attendance.Status.EXCUSED]
            ).update(status=Attendance.Status.PRESENT, reason="", source=source, marked_at=now)
            created = changed == 1
            mark.refresh_from_db()
        if created:
            attendance_service.sync_enrollment(enrollment)
    return mark, created


def present_count(meeting: Meeting) -> int:
    """Return how many people are marked present or late at ``meeting``."""
    return meeting.attendances.filter(status__in=Attendance.ATTENDED).count()
