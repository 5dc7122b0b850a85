"""The dashboard's filters: year, district, work unit, competency kind, program, ASN type.

The choices offered are the viewer's own (one query per list); a value outside
them is refused at its field with a clear message, never silently widened.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from districts.localtime import local_year
from districts.models import CivilServant, WorkUnit

from ...models import TrainingProgram
from .access import Viewer

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Criteria:
    """What the figures are about: the viewer, the year and the chosen filters."""

    viewer: Viewer
    year: int
    now: datetime.datetime
    district_id: int | None = None
    unit_id: int | None = None
    kind: str = ""
    program_id: int | None = None
    asn_type: str = ""
    # The zone whose 1 January starts the year: the viewer's districts' (see viewer_zone).
    time_zone: str = settings.TIME_ZONE

    @property
    def this_year(self) -> int:
        return local_year(self.now, self.time_zone)

    @property
    def year_start(self) -> datetime.datetime:
        return datetime.datetime(self.year, 1, 1, tzinfo=zoneinfo.ZoneInfo(self.time_zone))

    @property
    def year_end(self) -> datetime.datetime:
        return datetime.datetime(self.year + 1, 1, 1, tzinfo=zoneinfo.ZoneInfo(self.time_zone))

    @property
    def is_unfiltered(self) -> bool:
        return not (
            self.district_id or self.unit_id or self.kind or self.program_id or self.asn_type
        )

    @property
    def has_program_filter(self) -> bool:
        return bool(self.kind or self.program_id)

    def person_condition(self, path: str) -> Q:
        """Return the filter on a path to a person: the people the figures count."""
        if self.viewer.is_supervisor and not (self.district_id or self.unit_id or self.asn_type):
            return Q(**{f"{path}__in": self.viewer.subtree_ids})
        return Q(**{f"{path}__in": self.people().order_by().values("pk")})

    def people(self) -> QuerySet:
        """Return the people the figures count: the viewer's scope with the filters."""
        people = self.viewer.people()
        if self.district_id:
            people = people.filter(district_id=self.district_id)
        if self.unit_id:
            people = people.filter(work_unit_id=self.unit_id)
        if self.asn_type:
            people = people.filter(asn_type=self.asn_type)
        return people

    def program_condition(self, prefix: str) -> Q:
        """Return the competency-kind and program filter for a path to a program."""
        condition = Q()
        if self.kind:
            condition &= Q(**{f"{prefix}competency_kind": self.kind})
        if self.program_id:
            condition &= Q(**{f"{prefix}pk": self.program_id})
        return condition

    def as_query(self) -> dict:
        """Return the filters as URL parameters (for exports and sort links)."""
        query = {"as": self.viewer.role, "year": str(self.year)}
        for key, value in (
            ("district", self.district_id),
            ("unit", self.unit_id),
            ("kind", self.kind),
            ("program", self.program_id),
            ("asn", self.asn_type),
        ):
            if value:
                query[key] = str(value)
        return query


def viewer_zone(zones) -> str:
    """Return the zone of a viewer's districts when they share one, else the portal's."""
    zones = set(zones)
    return zones.pop() if len(zones) == 1 else settings.TIME_ZONE


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False)
    unit = forms.TypedChoiceField(label=_("Work unit"), coerce=int, required=False)
    kind = forms.ChoiceField(label=_("Competency kind"), required=False)
    program = forms.TypedChoiceField(label=_("Training program"), coerce=int, required=False)
    asn = forms.ChoiceField(label=capfirst(_("ASN type")), required=False)

    def __init__(self, data, *, viewer: Viewer, now: datetime.datetime):
        places = list(viewer.districts().order_by("name").values_list("pk", "name", "time_zone"))
        districts = [(pk, name) for pk, name, _zone in places]
        self.time_zone = viewer_zone(zone for _pk, _name, zone in places)
        data = data.copy()
        data.setdefault("year", str(local_year(now, self.time_zone)))
        super().__init__(data)
        self.viewer = viewer
        self.now = now
        everything = [("", _("All"))]
        chosen_district = self._chosen_district({pk for pk, _name in districts})
        self.fields["district"].choices = everything + districts
        unit_ids = None
        if viewer.is_supervisor:
            units = WorkUnit.objects.filter(pk__in=viewer.people().values("work_unit"))
        elif chosen_district or len(districts) == 1:
            units = WorkUnit.objects.filter(district_id=chosen_district or districts[0][0])
        else:
            units = WorkUnit.objects.none()
            unit_ids = []
            self.fields["unit"].help_text = _("Choose a district first.")
            self.fields["program"].help_text = _("Choose a district first.")
        if chosen_district:
            units = units.filter(district_id=chosen_district)
        if unit_ids is None:
            self.fields["unit"].choices = everything + list(
                units.order_by("name").values_list("pk", "name")
            )
            program_districts = (
                [chosen_district] if chosen_district else [pk for pk, _name in districts]
            )
            self.fields["program"].choices = everything + [
                (pk, f"{code} {title}")
                for pk, code, title in TrainingProgram.objects.filter(
                    district_id__in=program_districts
                )
                .order_by("code", "title")
                .values_list("pk", "code", "title")
            ]
        else:
            self.fields["unit"].choices = everything
            self.fields["program"].choices = everything
        self.fields["kind"].choices = everything + list(TrainingProgram.CompetencyKind.choices)
        self.fields["asn"].choices = everything + list(CivilServant.AsnType.choices)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "dashboard-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column(Field("year"), css_class="col-6 col-md-2"),
                Column(Field("district"), css_class="col-6 col-md-2"),
                Column(Field("unit"), css_class="col-12 col-md-3"),
                Column(Field("kind"), css_class="col-6 col-md-2"),
                Column(Field("asn"), css_class="col-6 col-md-3"),
                Column(Field("program"), css_class="col-12 col-md-9"),
                Column(
                    StrictButton(_("Show"), type="submit", css_class="btn-primary w-100 mt-md-4"),
                    css_class="col-12 col-md-3",
                ),
            )
        )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        latest = local_year(self.now, self.time_zone) + 1
        if year > latest:
            raise forms.ValidationError(_("Choose a year up to %(year)s.") % {"year": latest})
        return year

    def _chosen_district(self, allowed: set[int]) -> int | None:
        try:
            value = int(self.data.get("district") or 0)
        except (TypeError, ValueError):
            return None
        return value if value in allowed else None

    def criteria(self) -> Criteria:
        """Return the criteria of a valid form."""
        data = self.cleaned_data
        return Criteria(
            viewer=self.viewer,
            year=data["year"],
            now=self.now,
            district_id=data.get("district") or None,
            unit_id=data.get("unit") or None,
            kind=data.get("kind") or "",
            program_id=data.get("program") or None,
            asn_type=data.get("asn") or "",
            time_zone=self.time_zone,
        )
