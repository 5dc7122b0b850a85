"""The district's yearly plan: approved plans rolled up into demand, and each plan's progress."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from training.models import DevelopmentPlan
from training.services import plans as services

from ..access import hr_scope


@login_required
@require_GET
def plan_overview(request):
    scope = hr_scope(request)
    this_year = timezone.localdate().year
    value = request.GET.get("tahun", "")
    year = int(value) if value.isdigit() and abs(int(value) - this_year) <= 5 else this_year
    plans = scope.filter(DevelopmentPlan.objects.filter(year=year))
    listed = list(plans.select_related("civil_servant__work_unit").order_by("civil_servant__name"))
    progress = services.progress(listed)
    for plan in listed:
        plan.progress = progress[plan.pk]
    context = {
        "year": year,
        "years": range(this_year - 1, this_year + 2),
        "rollup": services.rollup(plans),
        "plans": listed,
    }
    return render(request, "training/hr/plans.html", context)
