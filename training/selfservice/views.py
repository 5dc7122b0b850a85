"""Self-service pages of a civil servant: thin views over selectors and services."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from districts.scoping import scope_for

from ..models import TrainingSession


@login_required
def session_detail(request, pk: int):
    session = scope_for(request.user).get_or_404(TrainingSession, pk=pk)
    return render(request, "training/selfservice/session_detail.html", {"session": session})
