"""Who to invite to a session, invitations through the outbox, answers, nominations.

The people worth inviting to a session are those of its district who lack a
competency its program develops, are not enrolled or invited yet, have not
reached their yearly JP, and whose schedule does not clash with it (the
conflict engine's set-based check for many people at once).
"""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import CivilServant

from ..messages import outbox
from ..messages.compose import Message, to
from ..models import CompletionRecord, Enrollment, Invitation, Reminder, TrainingSession
from . import conflicts, enrollment, needs

INVITED = "invited"


def _year_jp(year: int):
    earned = (
        CompletionRecord.objects.filter(
            civil_servant=OuterRef("pk"), passed=True, completion_date__year=year
        )
        .order_by()
        .values("civil_servant")
        .annotate(jp=Sum("jp_credited"))
        .values("jp")
    )
    return Coalesce(Subquery(earned), 0)


def candidates(
    session: TrainingSession, *, now: datetime.datetime, competency_id: int | None = None
) -> list[CivilServant]:
    """Return the people to invite to ``session`` (of one of its competencies, if given)."""
    on = now.astimezone(session.district.tzinfo).date()
    competency_ids = list(session.program.competencies.values_list("pk", flat=True))
    if competency_id is not None:
        competency_ids = [pk for pk in competency_ids if pk == competency_id]
    if not competency_ids:
        return []
    people = CivilServant.objects.filter(district_id=session.district_id, is_active=True)
    lacking = {
        person
        for person, _unit, competency, met in needs.need_rows(people, on=on)
        if not met and competency in competency_ids
    }
    taken = set(
        Enrollment.objects.filter(session=session)
        .exclude(status__in=Enrollment.ENDED)
        .values_list("civil_servant_id", flat=True)
    ) | set(Invitation.objects.filter(session=session).values_list("civil_servant_id", flat=True))
    target = Case(
        When(asn_type="PPPK", then=Value(settings.PPPK_YEARLY_CAP_JP)),
        default=Value(settings.PNS_YEARLY_TARGET_JP),
        output_field=IntegerField(),
    )
    below_target = (
        CivilServant.objects.filter(pk__in=sorted(lacking - taken))
        .annotate(year_jp=_year_jp(on.year), target_jp=target)
        .filter(year_jp__lt=target)
        .select_related("work_unit")
        .order_by("work_unit__name", "name", "pk")
    )
    people = list(below_target)
    clashing = conflicts.clashing_people(session_id=session.pk, person_ids=[p.pk for p in people])
    return [person for person in people if person.pk not in clashing]


def invite(
    *,
    session: TrainingSession,
    people: QuerySet,
    actor: AbstractBaseUser,
    now: datetime.datetime,
    status: str = Invitation.Status.PENDING,
) -> list[Invitation]:
    """Invite the people (once each) and record one message each in the outbox."""
    with transaction.atomic():
        already = set(
            Invitation.objects.filter(session=session).values_list("civil_servant_id", flat=True)
        )
        created = [
            Invitation(session=session, civil_servant=person, invited_by=actor, status=status)
            for person in people
            if person.pk not in already
        ]
        for item in created:
            item.full_clean()
            item.save()
        outbox.record_and_queue(
            [
                Reminder(
                    invitation=item,
                    kind=INVITED,
                    fingerprint=str(session.pk),
                    recipient_id=item.civil_servant_id,
                )
                for item in created
                if item.status == Invitation.Status.PENDING
            ],
            now=now,
        )
    return created


class InvitationError(Exception):
    pass


def accept(
    *, invitation: Invitation, actor: AbstractBaseUser, now: datetime.datetime, confirm_clash: bool
) -> Enrollment:
    """Accept: enrol the person through the enrolment flow (approval asked where needed)."""
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError(_("This invitation has already been answered."))
    with transaction.atomic():
        enrolled = enrollment.enroll(
            session=invitation.session,
            person=invitation.civil_servant,
            actor=actor,
            now=now,
            confirm_clash=confirm_clash,
        )
        invitation.status = Invitation.Status.ACCEPTED
        invitation.answered_at = now
        invitation.enrollment = enrolled
        invitation.save(update_fields=["status", "answered_at", "enrollment"])
    return enrolled


def decline(*, invitation: Invitation, now: datetime.datetime) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError(_("This invitation has already been answered."))
    invitation.status = Invitation.Status.DECLINED
    invitation.answered_at = now
    invitation.save(update_fields=["status", "answered_at"])


def nominate(
    *,
    session: TrainingSession,
    person: CivilServant,
    actor: AbstractBaseUser,
    now: datetime.datetime,
) -> Enrollment:
    """Enrol a team member the supervisor nominates: already approved; the person is told."""
    with transaction.atomic():
        enrolled = enrollment.enroll(
            session=session,
            person=person,
            actor=actor,
            now=now,
            confirm_clash=True,
            pre_approved=True,
        )
        Invitation.objects.update_or_create(
            session=session,
            civil_servant=person,
            defaults={
                "status": Invitation.Status.NOMINATED,
                "invited_by": actor,
                "enrollment": enrolled,
                "answered_at": now,
            },
        )
    return enrolled


@outbox.kind(INVITED, label=gettext_lazy("Invitation to a session"))
def compose_invitation(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Invite the person; skipped once answered, or when the session is past or cancelled."""
    invitation = Invitation.objects.select_related(
        "session__program", "session__district", "session__venue", "civil_servant"
    ).get(pk=reminder.invitation_id)
    session = invitation.session
    if (
        invitation.status != Invitation.Status.PENDING
        or session.start <= now
        or session.status != TrainingSession.Status.PUBLISHED
    ):
        return None
    return Message(
        subject=_("Invitation to training: %(title)s") % {"title": session.program.title},
        body=render_to_string(
            "emails/invitation.txt", {"session": session, "person": invitation.civil_servant}
        ),
        to=to(reminder.recipient),
        url=reverse("training:invitation", args=[invitation.pk]),
    )
