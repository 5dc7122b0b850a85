"""Query filters of the list endpoints (django-filter)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from districts.models import CivilServant, ScheduleEntry, WorkUnit

from ..models import CompletionRecord, Enrollment, TrainingProgram, TrainingSession


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO moment, handed to the database in UTC (PostgreSQL refuses offsets beyond 15:59)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError(_("Enter a valid date/time.")) from exc


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


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
    start_after = MomentFilter(field_name="end", lookup_expr="gt")
    start_before = MomentFilter(field_name="start", lookup_expr="lt")

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
    starts_after = MomentFilter(field_name="start", lookup_expr="gte")
    starts_before = MomentFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = TrainingSession
        fields = ["district", "program", "status", "starts_after", "starts_before"]


class EnrollmentFilter(django_filters.FilterSet):
    nip = django_filters.CharFilter(field_name="civil_servant__nip")

    class Meta:
        model = Enrollment
        fields = ["session", "nip", "status"]


class CompletionRecordFilter(django_filters.FilterSet):
    updated_since = MomentFilter(
        method="filter_updated_since",
        label=_("Records created, changed or certified at or after this moment (ISO 8601)."),
    )
    nip = django_filters.CharFilter(field_name="civil_servant__nip")
    completed_from = django_filters.DateFilter(field_name="completion_date", lookup_expr="gte")
    completed_to = django_filters.DateFilter(field_name="completion_date", lookup_expr="lte")

    class Meta:
        model = CompletionRecord
        fields = ["updated_since", "nip", "program", "passed", "completed_from", "completed_to"]

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(Q(updated_at__gte=value) | Q(issued_at__gte=value))
