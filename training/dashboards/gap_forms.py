"""The gap matrix's filters: district, work unit, ASN type, rank (the viewer's own choices)."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, WorkUnit
from districts.ranks import RANK_CHOICES
from training.services.dashboards.access import Viewer
from training.services.gaps import GapFilters


class GapFilterForm(forms.Form):
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False)
    unit = forms.TypedChoiceField(label=_("Work unit"), coerce=int, required=False)
    asn = forms.ChoiceField(label=capfirst(_("ASN type")), required=False)
    rank = forms.ChoiceField(label=_("Rank / grade"), required=False)

    def __init__(self, data, *, viewer: Viewer):
        super().__init__(data)
        everything = [("", _("All"))]
        self.viewer = viewer
        districts = list(viewer.districts().order_by("name").values_list("pk", "name"))
        self.fields["district"].choices = everything + districts
        units = WorkUnit.objects.filter(district_id__in=[pk for pk, _name in districts])
        if viewer.is_supervisor:
            units = units.filter(pk__in=viewer.people().values("work_unit"))
        self.fields["unit"].choices = everything + [
            (pk, f"{name} · {district}" if len(districts) > 1 else name)
            for pk, name, district in units.order_by("district__name", "name").values_list(
                "pk", "name", "district__name"
            )
        ]
        self.fields["asn"].choices = everything + list(CivilServant.AsnType.choices)
        self.fields["rank"].choices = everything + list(RANK_CHOICES)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "gap-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column(Field("district"), css_class="col-6 col-md-3"),
                Column(Field("unit"), css_class="col-6 col-md-3"),
                Column(Field("asn"), css_class="col-6 col-md-2"),
                Column(Field("rank"), css_class="col-6 col-md-2"),
                Column(
                    StrictButton(_("Show"), type="submit", css_class="btn-primary w-100 mt-md-4"),
                    css_class="col-12 col-md-2",
                ),
            )
        )

    def filters(self) -> GapFilters:
        data = self.cleaned_data if self.is_bound else {}
        return GapFilters(
            district_id=data.get("district") or None,
            unit_id=data.get("unit") or None,
            asn_type=data.get("asn") or "",
            rank=data.get("rank") or "",
        )
