"""Training programs: list, create, edit, retire."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import TrainingProgram
from training.services import programs as services

from .. import selectors
from ..access import hr_scope
from ..forms import ProgramFilterForm, ProgramForm
from .listing import filtered_list


@login_required
def program_list(request):
    return filtered_list(
        request,
        selector=selectors.programs,
        filter_form=ProgramFilterForm,
        template="training/hr/program_list.html",
    )


@login_required
def program_create(request):
    scope = hr_scope(request)
    form = ProgramForm(request.POST or None, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(
                district=form.cleaned_data["district"], data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The program was saved."))
            return redirect("training:hr-program-edit", pk=program.pk)
    return render(request, "training/hr/program_form.html", {"form": form, "program": None})


@login_required
def program_edit(request, pk):
    scope = hr_scope(request)
    program = scope.get_or_404(TrainingProgram, pk=pk)
    form = ProgramForm(request.POST or None, instance=program, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(program=program, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The program was saved."))
            return redirect("training:hr-program-edit", pk=program.pk)
    context = {"form": form, "program": program, "has_history": services.has_history(program)}
    return render(request, "training/hr/program_form.html", context)


@login_required
@require_POST
def program_retire(request, pk):
    scope = hr_scope(request)
    program = scope.get_or_404(TrainingProgram, pk=pk)
    if services.retire_program(program=program):
        messages.success(request, _("The program was deleted."))
    else:
        messages.info(
            request, _("The program has sessions or completions, so it was deactivated instead.")
        )
    return redirect("training:hr-programs")
