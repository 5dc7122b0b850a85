"""The competency catalogue: list, create, edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from training.models import Competency
from training.services import competencies as services

from ..access import hr_scope
from ..competency_forms import CompetencyForm


@login_required
def competency_list(request):
    scope = hr_scope(request)
    items = (
        scope.filter(Competency.objects.select_related("district"))
        .annotate(program_count=Count("programs", distinct=True))
        .annotate(requirement_count=Count("requirements", distinct=True))
        .order_by("district__name", "name")
    )
    return render(request, "training/hr/competency_list.html", {"competencies": items})


def _save(request, scope, competency):
    form = CompetencyForm(request.POST or None, instance=competency, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        if not competency.pk:
            competency.district = form.cleaned_data["district"]
        try:
            services.save_competency(
                competency=competency,
                data=form.cleaned_data,
                programs=form.cleaned_data["programs"],
                units=form.cleaned_data["units"],
                positions=form.cleaned_data["positions"],
                people=form.cleaned_data["people"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The competency was saved."))
            return redirect("training:hr-competency-edit", pk=competency.pk)
    return render(
        request, "training/hr/competency_form.html", {"form": form, "competency": competency}
    )


@login_required
def competency_create(request):
    return _save(request, hr_scope(request), Competency())


@login_required
def competency_edit(request, pk):
    scope = hr_scope(request)
    return _save(request, scope, scope.get_or_404(Competency, pk=pk))
