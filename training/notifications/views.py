"""Pages of the conflicts area: thin views over the selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.scoping import is_supervisor, scope_for

from ..models import Enrollment, Notification
from ..services.switching import switch_options
from . import selectors, services
from .forms import ResolveForm

PAGE = 25  # rows a page of the team's clashes and of the notifications


def _self_scope(request):
    scope = scope_for(request.user).as_self()
    if scope.person_id is None:
        raise Http404
    return scope


def _active_enrollment(scope, pk: int) -> Enrollment:
    return scope.get_or_404(
        Enrollment.objects.filter(status__in=Enrollment.ACTIVE).select_related(
            "session__program", "session__district", "session__venue", "civil_servant"
        ),
        pk=pk,
    )


@login_required
def conflicts(request):
    scope = _self_scope(request)
    rows = selectors.person_conflicts(scope=scope, now=timezone.now())
    return render(request, "training/conflicts/list.html", {"rows": rows})


@login_required
def team(request):
    scope = scope_for(request.user)
    if not is_supervisor(scope.person_id):
        raise Http404
    team = scope.as_supervisor()
    page = Paginator(selectors.team_conflicts(scope=team, now=timezone.now()), PAGE).get_page(
        request.GET.get("page")
    )
    rows = selectors.team_rows(page.object_list, scope=team)
    return render(request, "training/conflicts/team.html", {"rows": rows, "page": page})


@login_required
def switch(request, pk: int):
    scope = _self_scope(request)
    enrollment = _active_enrollment(scope, pk)
    now = timezone.now()
    options = switch_options(enrollment, now=now)
    if request.method == "POST":
        chosen = {item.pk: item for item in options}.get(_int(request.POST.get("session")))
        if chosen is None:
            messages.error(request, _("That session is no longer available without a clash."))
            return redirect("training:conflict_switch", pk=enrollment.pk)
        try:
            services.switch_session(
                enrollment=enrollment, to_session=chosen, actor=request.user, now=now
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("training:conflict_switch", pk=enrollment.pk)
        messages.success(request, _("You have switched to the other session."))
        return redirect("training:conflicts")
    return render(
        request,
        "training/conflicts/switch.html",
        {"enrollment": enrollment, "session": enrollment.session, "options": options},
    )


@login_required
def cancel(request, pk: int):
    scope = _self_scope(request)
    enrollment = _active_enrollment(scope, pk)
    if request.method == "POST":
        try:
            services.cancel(enrollment=enrollment, actor=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("training:conflicts")
        messages.success(request, _("Your enrolment has been cancelled."))
        return redirect("training:conflicts")
    return render(
        request,
        "training/conflicts/cancel.html",
        {"enrollment": enrollment, "session": enrollment.session},
    )


@login_required
def resolve(request, pk: int, fingerprint: str):
    scope = _self_scope(request)
    enrollment = _active_enrollment(scope, pk)
    conflict = selectors.open_conflict(
        enrollment=enrollment, fingerprint=fingerprint, now=timezone.now()
    )
    if conflict is None:
        raise Http404
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mark_resolved(
            enrollment=enrollment,
            fingerprint=fingerprint,
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, _("The clash is marked as resolved. No more reminders about it."))
        return redirect("training:conflicts")
    return render(
        request,
        "training/conflicts/resolve.html",
        {
            "enrollment": enrollment,
            "session": enrollment.session,
            "conflict": conflict,
            "form": form,
        },
    )


@login_required
def notifications(request):
    scope = _self_scope(request)
    items = selectors.notifications(scope=scope, limit=None)
    page = Paginator(items, PAGE).get_page(request.GET.get("page"))
    return render(request, "training/conflicts/notifications.html", {"items": page, "page": page})


@login_required
def open_notification(request, pk: int):
    scope = _self_scope(request)
    item = scope.get_or_404(Notification, pk=pk)
    services.mark_read(person_id=scope.person_id, now=timezone.now(), notification_id=item.pk)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("training:notifications")


@login_required
@require_POST
def read_all(request):
    scope = _self_scope(request)
    services.mark_read(person_id=scope.person_id, now=timezone.now())
    return redirect("training:notifications")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
