"""Outside learning and evaluation for HR: the JP conversion table, test scores (L2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from training.services import evaluation, learning

from ..access import hr_scope
from ..learning_forms import ConversionForm, ScoresForm
from .sessions import session_or_404


@login_required
def conversion(request):
    scope = hr_scope(request)
    districts = list(scope.districts().order_by("name"))
    chosen = next(
        (d for d in districts if str(d.pk) == request.GET.get("district")),
        districts[0] if districts else None,
    )
    if chosen is None:
        return render(request, "training/hr/learning_conversion.html", {"districts": []})
    form = ConversionForm(request.POST or None, table=learning.conversion_table(chosen.pk))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for method, unit, value in form.changes():
                learning.set_conversion(
                    district_id=chosen.pk,
                    method=method,
                    unit=unit,
                    jp_per_unit=value,
                    actor=request.user,
                )
        messages.success(request, _("The JP conversion table was saved."))
        return redirect(f"{request.path}?district={chosen.pk}")
    context = {"form": form, "districts": districts, "district": chosen}
    return render(request, "training/hr/learning_conversion.html", context)


@login_required
def test_scores(request, pk):
    """Enter the pre-test and post-test scores of a session's participants (level 2)."""
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    enrollments = list(
        session.enrollments.filter(status__in=evaluation.ATTENDED)
        .select_related("civil_servant")
        .order_by("civil_servant__name", "pk")
    )
    form = ScoresForm(
        request.POST or None,
        enrollments=enrollments,
        scores=evaluation.scores_of(session),
    )
    if request.method == "POST" and form.is_valid():
        saved = evaluation.save_scores(session=session, scores=form.scores(), actor=request.user)
        messages.success(request, _("Scores saved for %(count)d participants.") % {"count": saved})
        return redirect("training:hr-session", pk=session.pk)
    context = {
        "session": session,
        "form": form,
        "gain": evaluation.learning_gain(session.enrollments.all()),
    }
    return render(request, "training/hr/test_scores.html", context)
