"""Outside learning for HR: the district's JP conversion table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from training.services import learning

from ..access import hr_scope
from ..learning_forms import ConversionForm


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
