"""The roster of a session: add people, decide requests, waitlist, cancel, completion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import Enrollment, TrainingSession
from training.services import approvals as approval_queue
from training.services import enrollment as enrollment_service
from training.services import roster as services

from .. import selectors
from ..access import hr_scope
from ..roster_forms import AddPeopleForm, CompletionForm
from .sessions import render_detail, session_or_404

ACTIONS = {
    "approve": enrollment_service.approve_request,
    "cancel": enrollment_service.cancel_enrollment,
}


@login_required
@require_POST
def roster_add(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    form = AddPeopleForm(request.POST, session=session, people=scope.people())
    if not form.is_valid():
        return render_detail(request, scope, pk, add_form=form, status=400)
    added, refused = services.add_people(
        session=session, people=form.cleaned_data["people"], actor=request.user, now=timezone.now()
    )
    if added:
        messages.success(request, _("%(count)d people added.") % {"count": len(added)})
    for person, reason in refused:
        messages.warning(request, f"{person.full_name} ({person.nip_display}): {reason}")
    return redirect("training:hr-session", pk=session.pk)


@login_required
@require_POST
def enrollment_action(request, pk, enrollment_pk, action):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    enrollment = scope.get_or_404(Enrollment.objects.filter(session=session), pk=enrollment_pk)
    now = timezone.now()
    try:
        if action == "promote":
            enrollment_service.promote_from_waitlist(
                session=session, actor=request.user, now=now, enrollment=enrollment
            )
        elif action == "reject":
            enrollment_service.reject_request(
                enrollment=enrollment,
                actor=request.user,
                now=now,
                note=request.POST.get("note", "")[:500],
            )
        elif action in ACTIONS:
            ACTIONS[action](enrollment=enrollment, actor=request.user, now=now)
        else:
            return redirect("training:hr-session", pk=session.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The enrolment was updated."))
    return redirect("training:hr-session", pk=session.pk)


@login_required
def approvals(request):
    """HR's queue: the requests of their districts, filtered, decided in bulk."""
    scope = hr_scope(request)
    context, decided = approval_queue.handle(request, scope.filter(Enrollment.objects.all()))
    if decided:
        return redirect(request.get_full_path())
    return render(request, "training/hr/approvals.html", context)


@login_required
def completion(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    enrollments = selectors.enrollments_with(session, services.COMPLETABLE)
    form = CompletionForm(
        request.POST or None,
        enrollments=enrollments,
        jp_default=session.program.jp_credited,
        suggestions=services.completion_suggestions(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            records = services.record_completion(
                session=session, results=form.results(), actor=request.user, now=timezone.now()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            issued = sum(1 for record in records if record.certificate_number)
            messages.success(
                request,
                _("Completion recorded for %(count)d people; %(issued)d certificates issued.")
                % {"count": len(records), "issued": issued},
            )
            return redirect("training:hr-session", pk=session.pk)
    return render(
        request,
        "training/hr/completion.html",
        {
            "session": session,
            "form": form,
            "completed": session.status == TrainingSession.Status.COMPLETED,
            "started": session.start <= timezone.now(),
        },
    )
