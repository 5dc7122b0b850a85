"""Venues and instructors: list, create, edit, retire."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import Instructor, Venue
from training.services import places as services

from .. import selectors
from ..access import hr_scope
from ..place_forms import InstructorForm, PlaceFilterForm, VenueForm
from .listing import filtered_list


@login_required
def venue_list(request):
    return filtered_list(
        request,
        selector=selectors.venues,
        filter_form=PlaceFilterForm,
        template="training/hr/venue_list.html",
    )


@login_required
def venue_create(request):
    scope = hr_scope(request)
    form = VenueForm(request.POST or None, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.create_venue(
                district=form.cleaned_data["district"], data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The venue was saved."))
            return redirect("training:hr-venue-edit", pk=venue.pk)
    return render(request, "training/hr/venue_form.html", {"form": form, "venue": None})


@login_required
def venue_edit(request, pk):
    scope = hr_scope(request)
    venue = scope.get_or_404(Venue.objects.select_related("district"), pk=pk)
    form = VenueForm(request.POST or None, instance=venue, districts=scope.districts())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_venue(venue=venue, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The venue was saved."))
            return redirect("training:hr-venue-edit", pk=venue.pk)
    context = {"form": form, "venue": venue, "has_sessions": venue.sessions.exists()}
    return render(request, "training/hr/venue_form.html", context)


@login_required
@require_POST
def venue_retire(request, pk):
    scope = hr_scope(request)
    venue = scope.get_or_404(Venue, pk=pk)
    if services.retire_venue(venue=venue):
        messages.success(request, _("The venue was deleted."))
    else:
        messages.info(request, _("The venue has sessions, so it was deactivated instead."))
    return redirect("training:hr-venues")


@login_required
def instructor_list(request):
    return filtered_list(
        request,
        selector=selectors.instructors,
        filter_form=PlaceFilterForm,
        template="training/hr/instructor_list.html",
    )


@login_required
def instructor_create(request):
    scope = hr_scope(request)
    form = InstructorForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            instructor = services.create_instructor(
                district=form.cleaned_data["district"], data=form.instructor_data()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The instructor was saved."))
            return redirect("training:hr-instructor-edit", pk=instructor.pk)
    return render(request, "training/hr/instructor_form.html", {"form": form, "instructor": None})


@login_required
def instructor_edit(request, pk):
    scope = hr_scope(request)
    instructor = scope.get_or_404(
        Instructor.objects.select_related("district", "civil_servant"), pk=pk
    )
    editable = services.can_edit_instructor(scope, instructor)
    data = request.POST if request.method == "POST" and editable else None
    form = InstructorForm(data, instance=instructor, scope=scope, read_only=not editable)
    if request.method == "POST" and not editable:
        messages.error(request, _("Shared instructors are kept by the administrators."))
    elif form.is_bound and form.is_valid():
        try:
            services.update_instructor(instructor=instructor, data=form.instructor_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The instructor was saved."))
            return redirect("training:hr-instructor-edit", pk=instructor.pk)
    context = {
        "form": form,
        "instructor": instructor,
        "editable": editable,
        "has_sessions": instructor.sessions.exists(),
    }
    return render(request, "training/hr/instructor_form.html", context)


@login_required
@require_POST
def instructor_retire(request, pk):
    scope = hr_scope(request)
    instructor = scope.get_or_404(Instructor, pk=pk)
    if not services.can_edit_instructor(scope, instructor):
        messages.error(request, _("Shared instructors are kept by the administrators."))
        return redirect("training:hr-instructor-edit", pk=instructor.pk)
    if services.retire_instructor(instructor=instructor):
        messages.success(request, _("The instructor was deleted."))
    else:
        messages.info(request, _("The instructor has sessions, so they were deactivated instead."))
    return redirect("training:hr-instructors")
