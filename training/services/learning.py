"""Outside learning: the claim, its evidence, its JP, and its verification.

A civil servant claims an activity done elsewhere with a certificate as
evidence; their direct supervisor or the HR staff of their district verifies
it (crediting JP, which may differ from the claim) or returns it with a
reason. A verified claim gets a completion record (with ``outside_learning``
set and no program), so every JP total counts it exactly like portal
training; a pending or returned claim counts nothing.
"""

import datetime
import math
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import CivilServant
from districts.scoping import Scope

from ..messages import outbox
from ..messages.compose import Message, to
from ..models import (
    NONKLASIKAL_METHODS,
    AuditEntry,
    CompletionRecord,
    Institution,
    JPConversion,
    OutsideLearning,
    Reminder,
)
from . import audit

Status = OutsideLearning.Status

# The evidence types accepted, by the type read from the file's content.
EVIDENCE_TYPES = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
}


class Kind:
    """The outbox kinds of this feature."""

    SUBMITTED = "ol_submitted"
    VERIFIED = "ol_verified"
    RETURNED = "ol_returned"


# --------------------------------------------------------------------------
# Evidence and JP
# --------------------------------------------------------------------------


def check_evidence(upload) -> str:
    """Return the content type of an uploaded certificate, or raise ValidationError.

    The type is read from the file's first bytes, never from its name or the
    browser's word; the name's extension must agree with it (a PDF renamed
    ``.png`` is refused), and the size is limited.
    """
    limit = settings.OUTSIDE_LEARNING_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB.")
            % {"size": f"{upload.size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    if mime not in EVIDENCE_TYPES:
        raise ValidationError(
            _("Only a PDF, JPEG or PNG file can be uploaded as evidence."), code="bad_type"
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in EVIDENCE_TYPES[mime]:
        raise ValidationError(
            _("The file's name (.%(extension)s) does not match its content (%(type)s).")
            % {"extension": extension or "?", "type": EVIDENCE_TYPES[mime][0].upper()},
            code="name_mismatch",
        )
    return mime


def conversion_table(district_id: int) -> dict[str, tuple[str, Decimal]]:
    """Return ``{method: (unit, JP per unit)}`` for every nonklasikal form in the district.

    A form the district has not set uses the default of the settings.
    """
    table = {
        method.value: (unit, Decimal(str(value)))
        for method in NONKLASIKAL_METHODS
        for unit, value in [settings.OUTSIDE_LEARNING_JP_DEFAULTS[method.value]]
    }
    for row in JPConversion.objects.filter(district_id=district_id):
        table[row.method] = (row.unit, row.jp_per_unit)
    return table


def jp_for(
    *, district_id: int, method: str, hours: Decimal, start: datetime.date, end: datetime.date
) -> int:
    """Return the JP an activity is worth (rounded down to whole JP).

    Klasikal learning is worth its hours in JP of ``MINUTES_PER_JP`` minutes;
    a nonklasikal form follows the district's conversion table, per hour or per day.
    """
    if method not in {m.value for m in NONKLASIKAL_METHODS}:
        return math.floor(Decimal(hours) * 60 / settings.MINUTES_PER_JP)
    unit, per_unit = conversion_table(district_id)[method]
    amount = Decimal((end - start).days + 1) if unit == JPConversion.Unit.DAY else Decimal(hours)
    return math.floor(amount * per_unit)


def set_conversion(*, district_id: int, method: str, unit: str, jp_per_unit: Decimal, actor):
    """Store the district's JP conversion of one nonklasikal form (audited)."""
    with transaction.atomic():
        row = JPConversion.objects.filter(district_id=district_id, method=method).first()
        row = row or JPConversion(district_id=district_id, method=method)
        row.unit, row.jp_per_unit = unit, jp_per_unit
        row.full_clean()
        row.save()
        audit.record(
            session=None,
            district_id=district_id,
            actor=actor,
            action=AuditEntry.Action.UPDATED,
            detail=str(row),
        )
    return row


# --------------------------------------------------------------------------
# Claiming and verifying
# --------------------------------------------------------------------------


def institution_named(name: str) -> Institution:
    """Return the institution of that name (any letter case), creating it once."""
    name = " ".join(name.split())
    found = Institution.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    institution = Institution(name=name)
    institution.full_clean()
    institution.save()
    return institution


def submit_claim(
    *,
    person: CivilServant,
    method: str,
    title: str,
    institution: Institution,
    competency_kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    hours: Decimal,
    evidence,
    now: datetime.datetime,
    actor,
) -> OutsideLearning:
    """Record a claim (awaiting verification) and tell the supervisor."""
    evidence_type = check_evidence(evidence)
    with transaction.atomic():
        claim = OutsideLearning(
            civil_servant=person,
            district_id=person.district_id,
            method=method,
            title=title,
            institution=institution,
            competency_kind=competency_kind,
            start_date=start_date,
            end_date=end_date,
            hours=hours,
            jp_claimed=jp_for(
                district_id=person.district_id,
                method=method,
                hours=hours,
                start=start_date,
                end=end_date,
            ),
            evidence=evidence,
            evidence_type=evidence_type,
            submitted_at=now,
        )
        claim.full_clean()
        claim.save()
        _audit(claim, actor, _("claimed outside learning: %(title)s, %(jp)d JP"))
        if person.supervisor_id:
            outbox.record_and_queue(
                [_notice(claim, Kind.SUBMITTED, recipient_id=person.supervisor_id)], now=now
            )
    return claim


def verify_claim(
    *, claim: OutsideLearning, jp_credited: int, now: datetime.datetime, actor
) -> CompletionRecord:
    """Verify a pending claim: credit ``jp_credited`` JP as a completion of its end date."""
    with transaction.atomic():
        claim = _lock_pending(claim)
        claim.status, claim.jp_credited = Status.VERIFIED, jp_credited
        claim.decided_by, claim.decided_at = actor, now
        claim.full_clean()
        claim.save()
        record = CompletionRecord(
            civil_servant_id=claim.civil_servant_id,
            district_id=claim.district_id,
            outside_learning=claim,
            completion_date=claim.end_date,
            jp_credited=jp_credited,
            passed=True,
        )
        record.full_clean()
        record.save()
        _audit(claim, actor, _("verified outside learning: %(title)s, %(jp)d JP"))
        outbox.record_and_queue(
            [_notice(claim, Kind.VERIFIED, recipient_id=claim.civil_servant_id)], now=now
        )
    return record


def return_claim(*, claim: OutsideLearning, reason: str, now: datetime.datetime, actor) -> None:
    """Return a pending claim to the person with a reason; it counts nothing."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for returning the claim."))
    with transaction.atomic():
        claim = _lock_pending(claim)
        claim.status, claim.return_reason = Status.RETURNED, reason.strip()
        claim.decided_by, claim.decided_at = actor, now
        claim.full_clean()
        claim.save()
        _audit(claim, actor, _("returned outside learning: %(title)s"))
        outbox.record_and_queue(
            [_notice(claim, Kind.RETURNED, recipient_id=claim.civil_servant_id)], now=now
        )


def _lock_pending(claim: OutsideLearning) -> OutsideLearning:
    locked = OutsideLearning.objects.select_for_update().get(pk=claim.pk)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("This claim was already decided."))
    return locked


def _audit(claim: OutsideLearning, actor, text: str) -> None:
    audit.record(
        session=None,
        district_id=claim.district_id,
        actor=actor,
        action=AuditEntry.Action.OUTSIDE_LEARNING,
        detail=f"{claim.civil_servant.nip}: "
        + text % {"title": claim.title, "jp": claim.jp_credited or claim.jp_claimed},
    )


def _notice(claim: OutsideLearning, kind: str, *, recipient_id: int) -> Reminder:
    return Reminder(
        outside_learning_id=claim.pk, kind=kind, fingerprint=kind, recipient_id=recipient_id
    )


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------


def visible_claims(scope: Scope) -> QuerySet:
    """Return the claims the scope may see (own, subtree, HR's districts)."""
    return scope.filter(OutsideLearning.objects.all()).select_related(
        "civil_servant", "institution", "district"
    )


def claims_to_verify(scope: Scope) -> QuerySet:
    """Return the pending claims this user may decide: direct reports, and HR's districts."""
    condition = Q(pk__in=[])
    if scope.person_id is not None:
        condition |= Q(civil_servant__supervisor_id=scope.person_id)
    if scope.is_admin:
        condition = Q()
    elif scope.hr_district_ids:
        condition |= Q(district_id__in=sorted(scope.hr_district_ids))
    return (
        OutsideLearning.objects.filter(condition, status=Status.SUBMITTED)
        .exclude(civil_servant_id=scope.person_id)
        .select_related("civil_servant", "institution", "district")
        .order_by("submitted_at", "pk")
    )


# --------------------------------------------------------------------------
# Composing (at sending time)
# --------------------------------------------------------------------------

SUBJECTS = {
    Kind.SUBMITTED: gettext_lazy("Outside learning to verify: %(name)s, %(title)s"),
    Kind.VERIFIED: gettext_lazy("Outside learning verified: %(title)s (%(jp)s JP)"),
    Kind.RETURNED: gettext_lazy("Outside learning returned: %(title)s"),
}
EXPECTED = {
    Kind.SUBMITTED: Status.SUBMITTED,
    Kind.VERIFIED: Status.VERIFIED,
    Kind.RETURNED: Status.RETURNED,
}


@outbox.kind(Kind.SUBMITTED, label=gettext_lazy("Outside learning to verify"))
@outbox.kind(Kind.VERIFIED, label=gettext_lazy("Outside learning verified"))
@outbox.kind(Kind.RETURNED, label=gettext_lazy("Outside learning returned"))
def compose_claim_notice(reminder: Reminder, *, now: datetime.datetime, prepared):
    """Tell the supervisor of a claim to verify, or the person of the decision."""
    claim = (
        OutsideLearning.objects.select_related("civil_servant", "institution")
        .filter(pk=reminder.outside_learning_id)
        .first()
    )
    if claim is None or claim.status != EXPECTED[reminder.kind]:
        return None
    values = {
        "name": claim.civil_servant.full_name,
        "title": claim.title,
        "jp": claim.jp_credited if claim.jp_credited is not None else claim.jp_claimed,
    }
    subject = str(SUBJECTS[reminder.kind]) % values
    if reminder.kind == Kind.SUBMITTED:
        url = reverse("training:learning_verify", args=[claim.pk])
        body = _(
            "%(name)s claims %(jp)s JP for %(title)s (%(institution)s). "
            "Please look at the certificate and verify or return the claim."
        ) % {**values, "institution": claim.institution.name}
    elif reminder.kind == Kind.VERIFIED:
        url = reverse("training:my_learning")
        body = _("Your outside learning %(title)s was verified: %(jp)s JP count toward your year.")
        body %= values
    else:
        url = reverse("training:my_learning")
        body = _("Your outside learning %(title)s was returned: %(reason)s") % {
            **values,
            "reason": claim.return_reason,
        }
    return Message(
        subject=subject,
        body=f"{body}\n\n{settings.PORTAL_BASE_URL}{url}\n",
        to=to(reminder.recipient),
        url=url,
    )


def minutes_per_jp() -> int:
    """Return the minutes of one JP (a setting), for the claim form's estimate."""
    return settings.MINUTES_PER_JP
