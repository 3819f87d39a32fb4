"""The year's plan targets of a unit, one field per mobilisation indicator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from phocap.dashboard.models import MOBILISATION
from phocap.ratefield import RateField
from phocap.textfields import CheckedForm


class TargetsForm(CheckedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in MOBILISATION:
            self.fields[indicator.key] = RateField(
                label=indicator.label_vi, required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6,
                                              "autocomplete": "off",
                                              "form": "targets-form"}))

    def rates(self) -> dict[str, Decimal | None]:
        return {i.key: self.cleaned_data.get(i.key) for i in MOBILISATION}
