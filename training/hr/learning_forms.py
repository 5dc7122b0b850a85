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
                label=_("Unit"), choices=JPConversion.Unit.choices, initial=unit
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
