"""HR's settings of their districts: HR mailbox, certificate agency, logo and signatory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from districts.models import District
from training.services import district_settings

from ..access import hr_scope
from ..district_forms import DistrictSettingsForm


@login_required
def district_list(request):
    scope = hr_scope(request)
    districts = list(scope.districts())
    if len(districts) == 1:
        return redirect("training:hr-district", pk=districts[0].pk)
    return render(request, "training/hr/district_list.html", {"districts": districts})


@login_required
def district_edit(request, pk):
    scope = hr_scope(request)
    district = scope.get_or_404(District, pk=pk)
    form = DistrictSettingsForm(request.POST or None, request.FILES or None, instance=district)
    if request.method == "POST" and form.is_valid():
        district_settings.save_settings(
            district=district,
            data=form.cleaned_data,
            logo=form.cleaned_data["logo"],
            remove_logo=form.cleaned_data.get("remove_logo", False),
        )
        messages.success(request, _("The district settings were saved."))
        return redirect("training:hr-district", pk=district.pk)
    return render(request, "training/hr/district_form.html", {"form": form, "district": district})
