"""Who to invite to a session, and the bulk invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from districts.models import CivilServant
from training.models import Invitation
from training.services import invitations

from ..access import hr_scope
from .sessions import session_or_404


def _competency(request) -> int | None:
    value = request.GET.get("competency", "")
    return int(value) if value.isdigit() else None


@login_required
def invite(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    now = timezone.now()
    competency_id = _competency(request)
    people = invitations.candidates(session, now=now, competency_id=competency_id)
    if request.method == "POST":
        allowed = {person.pk for person in people}
        chosen = {int(v) for v in request.POST.getlist("person") if v.isdigit()} & allowed
        if not chosen:
            messages.error(request, _("Choose at least one person to invite."))
        else:
            created = invitations.invite(
                session=session,
                people=scope.filter(CivilServant.objects.filter(pk__in=sorted(chosen))),
                actor=request.user,
                now=now,
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d person was invited.", "%(count)d people were invited.", len(created)
                )
                % {"count": len(created)},
            )
            return redirect("training:hr-invite", pk=session.pk)
    invited = Invitation.objects.filter(session=session).select_related("civil_servant")
    context = {
        "session": session,
        "people": people,
        "invited": invited.order_by("civil_servant__name"),
        "competencies": session.program.competencies.order_by("name"),
        "competency_id": competency_id,
    }
    return render(request, "training/hr/invite.html", context)
