"""The level-3 follow-up a supervisor (or HR) answers some months after a training."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.scoping import scope_for

from ..services import evaluation
from .evaluation_forms import BehaviourForm


@login_required
def behaviour_answer(request, pk: int):
    found = evaluation.behaviour_to_answer(scope_for(request.user)).filter(pk=pk).first()
    if found is None:
        raise Http404
    form = BehaviourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evaluation.answer_behaviour(
            evaluation=found,
            applies=data["applies"],
            improved=data["improved"],
            shares=data["shares"],
            comment=data["comment"],
            now=timezone.now(),
            actor=request.user,
        )
        messages.success(request, _("Thank you: the rating was saved."))
        return redirect("home")
    return render(
        request, "training/selfservice/behaviour_answer.html", {"item": found, "form": form}
    )
