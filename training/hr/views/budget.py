"""The budget page: each district's year and ceilings, and setting a ceiling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from training.services import budget

from ..access import hr_scope
from ..budget_forms import CeilingForm


@login_required
def budget_overview(request):
    scope = hr_scope(request)
    now = timezone.now()
    this_year = timezone.localdate(now).year
    value = request.GET.get("tahun", "")
    year = int(value) if value.isdigit() and abs(int(value) - this_year) <= 5 else this_year
    districts = scope.districts().order_by("name")
    form = CeilingForm(request.POST or None, districts=districts, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            budget.save_ceiling(
                district=data["district"],
                year=data["year"],
                program=data["program"],
                competency=data["competency"],
                amount=data["amount"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The ceiling was saved."))
            return redirect(f"{request.path}?tahun={data['year']}")
    places = [
        (district, budget.budget_lines(district=district, year=year, now=now))
        for district in districts
    ]
    context = {
        "year": year,
        "years": range(this_year - 1, this_year + 2),
        "places": places,
        "form": form,
    }
    return render(request, "training/hr/budget.html", context)
