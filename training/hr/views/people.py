"""The district's civil servants, for HR: find a person, send a password reset link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.models import CivilServant
from training.services import accounts

from .. import selectors
from ..access import hr_scope
from ..place_forms import PlaceFilterForm
from .listing import filtered_list


@login_required
def people_list(request):
    return filtered_list(
        request,
        selector=selectors.people,
        filter_form=PlaceFilterForm,
        template="training/hr/people_list.html",
    )


@login_required
@require_POST
def person_send_reset(request, pk):
    person = hr_scope(request).get_or_404(CivilServant.objects.select_related("user"), pk=pk)
    if accounts.send_password_reset(person=person, actor=request.user):
        messages.success(
            request,
            _("A link to choose a new password was sent to %(name)s.") % {"name": person.full_name},
        )
    else:
        messages.error(
            request,
            _("%(name)s has no email address in the portal: no link could be sent.")
            % {"name": person.full_name},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "training:hr-people"
    return redirect(back)
