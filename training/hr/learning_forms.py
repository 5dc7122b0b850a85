"""The district's JP conversion table for nonklasikal outside learning."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import NONKLASIKAL_METHODS, JPConversion


class ConversionForm(forms.Form):
    """One unit and one JP-per-unit field for each nonklasikal form."""

    def __init__(self, *args, table: dict[str, tuple[str, Decimal]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for method in NONKLASIKAL_METHODS:
            unit, value = table[method.value]
            self.fields[f"{method.value}_unit"] = forms.ChoiceField(
                label=_("Unit"),
                choices=JPConversion.Unit.choices,
                initial=unit,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{method.value}_jp"] = forms.DecimalField(
                label=_("JP"),
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=value,
            )
            self.rows.append((method, self[f"{method.value}_unit"], self[f"{method.value}_jp"]))

    def changes(self) -> list[tuple[str, str, Decimal]]:
        """Return ``(method, unit, JP per unit)`` for every form of a valid form."""
        return [
            (
                method.value,
                self.cleaned_data[f"{method.value}_unit"],
                self.cleaned_data[f"{method.value}_jp"],
            )
            for method in NONKLASIKAL_METHODS
        ]


class ScoresForm(forms.Form):
    """Pre-test and post-test scores (0–100) of a session's participants (level 2)."""

    def __init__(self, *args, enrollments, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for enrollment in enrollments:
            pre, post = scores.get(enrollment.pk, (None, None))
            for prefix, label, value in (
                ("pre", _("Pre-test"), pre),
                ("post", _("Post-test"), post),
            ):
                self.fields[f"{prefix}_{enrollment.pk}"] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    initial=value,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control form-control-sm", "step": "0.01"}
                    ),
                )
            self.rows.append(
                (enrollment, self[f"pre_{enrollment.pk}"], self[f"post_{enrollment.pk}"])
            )

    def scores(self) -> dict[int, tuple]:
        """Return ``{enrollment id: (pre, post)}`` of a valid form."""
        return {
            enrollment.pk: (
                self.cleaned_data[f"pre_{enrollment.pk}"],
                self.cleaned_data[f"post_{enrollment.pk}"],
            )
            for enrollment, _pre, _post in self.rows
        }
