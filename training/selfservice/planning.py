"""The civil servant's competencies to develop, invitations, and development plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from districts.scoping import is_supervisor, scope_for

from ..models import DevelopmentPlan, Invitation, TrainingSession
from ..services import enrollment as enrollment_service
from ..services import gaps, invitations, plans
from . import selectors
from .plan_forms import PlanDecisionForm, PlanItemForm


@login_required
@require_GET
def my_competencies(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    now = timezone.now()
    pending = scope.as_self().filter(
        Invitation.objects.filter(
            status=Invitation.Status.PENDING, session__start__gt=now
        ).select_related("session__program", "session__district")
    )
    context = {
        "person": person,
        "gaps": gaps.person_gaps(person, sessions=selectors.sessions_open_to(person), now=now),
        "invitations": pending.order_by("session__start"),
    }
    return render(request, "training/selfservice/competencies.html", context)


@login_required
def invitation(request, pk: int):
    """Show an invitation; accept it (into the enrolment flow) or decline it."""
    scope = scope_for(request.user).as_self()
    item = scope.get_or_404(
        Invitation.objects.select_related(
            "session__program", "session__district", "session__venue", "civil_servant"
        ),
        pk=pk,
    )
    now = timezone.now()
    if request.method == "POST" and item.status == Invitation.Status.PENDING:
        if request.POST.get("answer") == "decline":
            invitations.decline(invitation=item, now=now)
            messages.success(request, _("You declined the invitation."))
            return redirect("training:my_competencies")
        if request.POST.get("answer") == "accept":
            try:
                invitations.accept(
                    invitation=item,
                    actor=request.user,
                    now=now,
                    confirm_clash=request.POST.get("confirm_clash") == "1",
                )
            except enrollment_service.EnrollmentError as error:
                messages.error(request, error.messages[0])
                return redirect("training:invitation", pk=item.pk)
            messages.success(request, _("You accepted the invitation: see your enrolment below."))
            return redirect("training:session", pk=item.session_id)
    return render(request, "training/selfservice/invitation.html", {"invitation": item})


def _year(request, now) -> int:
    this_year = timezone.localdate(now).year
    value = request.GET.get("tahun", "")
    return int(value) if value in (str(this_year), str(this_year + 1)) else this_year


@login_required
def my_plan(request):
    """The person's plan of the year: add or remove items, send it to the supervisor."""
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    now = timezone.now()
    plan = plans.plan_for(person, _year(request, now))
    form = PlanItemForm(None, person=person)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "submit":
                plans.submit(plan=plan, now=now)
                messages.success(request, _("Your plan was sent to your supervisor."))
                return redirect(request.get_full_path())
            if action == "remove":
                item = get_object_or_404(plan.items, pk=request.POST.get("item") or 0)
                plans.remove_item(item=item)
                return redirect(request.get_full_path())
            form = PlanItemForm(request.POST, person=person)
            if form.is_valid():
                plans.add_item(plan=plan, **form.cleaned_data)
                messages.success(request, _("The item was added to your plan."))
                return redirect(request.get_full_path())
        except ValidationError as error:
            messages.error(request, error.messages[0])
    context = {
        "plan": plan,
        "items": plan.items.select_related("competency", "program"),
        "form": form,
        "progress": plans.progress([plan])[plan.pk],
    }
    return render(request, "training/selfservice/plan.html", context)


def _team_plans(scope):
    """Return the plans of the supervisor's direct reports (only they decide)."""
    if scope.person_id is None or not is_supervisor(scope.person_id):
        raise Http404
    return scope.as_supervisor().filter(
        DevelopmentPlan.objects.filter(civil_servant__supervisor_id=scope.person_id)
    )


@login_required
@require_GET
def team_plans(request):
    scope = scope_for(request.user)
    now = timezone.now()
    team = list(
        _team_plans(scope)
        .exclude(status=DevelopmentPlan.Status.DRAFT)
        .select_related("civil_servant")
        .prefetch_related("items__competency", "items__program")
        .order_by("-year", "civil_servant__name")
    )
    program_ids = {item.program_id for plan in team for item in plan.items.all() if item.program_id}
    upcoming = TrainingSession.objects.filter(
        program_id__in=program_ids, status=TrainingSession.Status.PUBLISHED, start__gt=now
    ).order_by("start")
    progress = plans.progress(team)
    for plan in team:
        plan.progress = progress[plan.pk]
        for item in plan.items.all():
            item.upcoming = [s for s in upcoming if s.program_id == item.program_id]
    context = {"plans": team}
    return render(request, "training/selfservice/team_plans.html", context)


@login_required
@require_POST
def decide_plan(request, pk: int):
    scope = scope_for(request.user)
    plan = get_object_or_404(_team_plans(scope), pk=pk)
    form = PlanDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            plans.decide(
                plan=plan,
                approve=approve,
                note=form.cleaned_data["note"],
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("The plan was approved.") if approve else _("The plan was returned.")
            )
    return redirect("training:team_plans")


@login_required
@require_POST
def nominate(request, pk: int):
    """Nominate the plan's owner for a session: enrolled as already approved, and told."""
    scope = scope_for(request.user)
    plan = get_object_or_404(_team_plans(scope).select_related("civil_servant"), pk=pk)
    session = get_object_or_404(
        selectors.sessions_open_to(plan.civil_servant), pk=request.POST.get("session") or 0
    )
    try:
        invitations.nominate(
            session=session, person=plan.civil_servant, actor=request.user, now=timezone.now()
        )
    except enrollment_service.EnrollmentError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s is enrolled in %(title)s.")
            % {"name": plan.civil_servant.full_name, "title": session.program.title},
        )
    return redirect("training:team_plans")
