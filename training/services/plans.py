"""Individual development plans: drafted by the person, agreed by the supervisor, rolled up.

A plan's progress counts, for each item, whether the person has completed (and
passed) the planned program in the plan's year, and the JP they earned that
year against the JP planned. Approved plans roll up into the district's yearly
demand per competency and per program, for HR to decide what to schedule.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from districts.models import CivilServant

from ..models import (
    Competency,
    CompletionRecord,
    DevelopmentPlan,
    PlanItem,
    TrainingProgram,
)


def plan_for(person: CivilServant, year: int) -> DevelopmentPlan:
    """Return the person's plan of ``year``, a new draft if there is none."""
    plan, _created = DevelopmentPlan.objects.get_or_create(civil_servant=person, year=year)
    return plan


def _editable(plan: DevelopmentPlan) -> None:
    if not plan.is_editable:
        raise ValidationError(_("This plan is no longer a draft: it cannot be changed."))


def add_item(
    *,
    plan: DevelopmentPlan,
    competency: Competency,
    program: TrainingProgram | None,
    outside_learning: str,
    jp_planned: int,
) -> PlanItem:
    with transaction.atomic():
        _editable(plan)
        district_id = plan.civil_servant.district_id
        if competency.district_id != district_id:
            raise ValidationError({"competency": _("The competency belongs to another district.")})
        item = PlanItem(
            plan=plan,
            competency=competency,
            program=program,
            outside_learning=outside_learning,
            jp_planned=jp_planned,
        )
        item.full_clean()
        item.save()
    return item


def remove_item(*, item: PlanItem) -> None:
    with transaction.atomic():
        _editable(item.plan)
        item.delete()


def submit(*, plan: DevelopmentPlan, now: datetime.datetime) -> None:
    """Send the plan to the supervisor (a draft or a returned plan, with at least one item)."""
    with transaction.atomic():
        _editable(plan)
        if not plan.items.exists():
            raise ValidationError(_("Add at least one item before sending the plan."))
        if plan.civil_servant.supervisor_id is None:
            raise ValidationError(_("You have no supervisor in the portal to agree to the plan."))
        plan.status = DevelopmentPlan.Status.SUBMITTED
        plan.submitted_at = now
        plan.full_clean()
        plan.save()


def decide(
    *,
    plan: DevelopmentPlan,
    approve: bool,
    note: str,
    actor: AbstractBaseUser,
    now: datetime.datetime,
) -> None:
    """Agree to a submitted plan, or return it with a note."""
    with transaction.atomic():
        plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != DevelopmentPlan.Status.SUBMITTED:
            raise ValidationError(_("This plan is not awaiting a decision."))
        if not approve and not note.strip():
            raise ValidationError({"note": _("Say what should change when you return a plan.")})
        plan.status = (
            DevelopmentPlan.Status.APPROVED if approve else DevelopmentPlan.Status.RETURNED
        )
        plan.supervisor_note = note.strip()
        plan.decided_at, plan.decided_by = now, actor
        plan.full_clean()
        plan.save()


def progress(plans: list[DevelopmentPlan]) -> dict[int, dict]:
    """Return per plan: JP planned, JP earned in its year, items done (two queries)."""
    if not plans:
        return {}
    items = list(
        PlanItem.objects.filter(plan__in=plans).values("plan_id", "program_id", "jp_planned")
    )
    people = {plan.civil_servant_id for plan in plans}
    years = {plan.year for plan in plans}
    records = list(
        CompletionRecord.objects.filter(
            civil_servant_id__in=people, passed=True, completion_date__year__in=years
        ).values_list("civil_servant_id", "program_id", "completion_date__year", "jp_credited")
    )
    result = {}
    for plan in plans:
        mine = [item for item in items if item["plan_id"] == plan.pk]
        done_programs = {
            program
            for person, program, year, _jp in records
            if person == plan.civil_servant_id and year == plan.year
        }
        earned = sum(
            jp
            for person, _p, year, jp in records
            if person == plan.civil_servant_id and year == plan.year
        )
        planned = sum(item["jp_planned"] for item in mine)
        result[plan.pk] = {
            "planned": planned,
            "earned": earned,
            "items": len(mine),
            "done": sum(1 for item in mine if item["program_id"] in done_programs),
            "percent": min(round(100 * earned / planned), 100) if planned else 0,
        }
    return result


def rollup(plans: QuerySet) -> dict:
    """Return the demand of approved ``plans``: per competency and per program, people and JP."""
    approved = PlanItem.objects.filter(
        plan__in=plans.filter(status=DevelopmentPlan.Status.APPROVED)
    ).order_by()
    by_competency = list(
        approved.values("competency__name", "competency__district__name")
        .annotate(people=Count("plan__civil_servant", distinct=True), jp=Sum("jp_planned"))
        .order_by("-people", "competency__name")
    )
    by_program = list(
        approved.filter(program__isnull=False)
        .values("program_id", "program__code", "program__title")
        .annotate(people=Count("plan__civil_servant", distinct=True), jp=Sum("jp_planned"))
        .order_by("-people", "program__title")
    )
    outside = approved.filter(program__isnull=True).count()
    statuses = dict(plans.order_by().values_list("status").annotate(count=Count("pk")))
    return {
        "competencies": by_competency,
        "programs": by_program,
        "outside_items": outside,
        "statuses": statuses,
    }
