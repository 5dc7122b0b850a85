"""Query filters of the list endpoints (django-filter)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from districts.models import CivilServant, ScheduleEntry, WorkUnit
from districts.validation import validate_portal_date

from ..models import CompletionRecord, Enrollment, TrainingProgram, TrainingSession

# A real zone's offset lies within ±14 hours; PostgreSQL refuses anything beyond.
MAX_OFFSET = datetime.timedelta(hours=14)


class PortalDateTimeField(IsoDateTimeField):
    """An ISO moment with a real zone offset, between 1970 and 2100 (as the forms take)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError(
                _("Enter a time zone offset between -14:00 and +14:00."), code="offset"
            )
        validate_portal_date(moment)
        return moment


class PortalDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = PortalDateTimeField


class PortalDateField(forms.DateField):
    """A date between 1970 and 2100."""

    default_validators = [validate_portal_date]


class PortalDateFilter(django_filters.DateFilter):
    field_class = PortalDateField


class WorkUnitFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__slug")

    class Meta:
        model = WorkUnit
        fields = ["district", "code", "kind"]


class CivilServantFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__slug")
    work_unit = django_filters.CharFilter(field_name="work_unit__code")

    class Meta:
        model = CivilServant
        fields = ["district", "work_unit", "nip", "asn_type", "is_active"]


class ScheduleEntryFilter(django_filters.FilterSet):
    nip = django_filters.CharFilter(field_name="civil_servant__nip")
    start_after = PortalDateTimeFilter(field_name="end", lookup_expr="gt")
    start_before = PortalDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = ScheduleEntry
        fields = ["nip", "kind", "external_id", "start_after", "start_before"]


class ProgramFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__slug")

    class Meta:
        model = TrainingProgram
        fields = ["district", "code", "is_active"]


class SessionFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__slug")
    starts_after = PortalDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = PortalDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = TrainingSession
        fields = ["district", "program", "status", "starts_after", "starts_before"]


class EnrollmentFilter(django_filters.FilterSet):
    nip = django_filters.CharFilter(field_name="civil_servant__nip")

    class Meta:
        model = Enrollment
        fields = ["session", "nip", "status"]


class CompletionRecordFilter(django_filters.FilterSet):
    updated_since = PortalDateTimeFilter(
        method="filter_updated_since",
        label=_("Records created, changed or certified at or after this moment (ISO 8601)."),
    )
    nip = django_filters.CharFilter(field_name="civil_servant__nip")
    completed_from = PortalDateFilter(field_name="completion_date", lookup_expr="gte")
    completed_to = PortalDateFilter(field_name="completion_date", lookup_expr="lte")

    class Meta:
        model = CompletionRecord
        fields = ["updated_since", "nip", "program", "passed", "completed_from", "completed_to"]

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(Q(updated_at__gte=value) | Q(issued_at__gte=value))
