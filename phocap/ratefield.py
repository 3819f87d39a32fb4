"""A percentage typed either way, for the plan targets of the dashboard and of streaming.

It sits below every app (like numbers.py and textfields.py) because two apps of
the same layer use it and neither may import the other (tests/test_architecture.py).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RateField(forms.CharField):
    """A percentage typed either way: "50,5", "50.5" or "50,5%"; empty removes the target.

    A plain localised DecimalField would read the Vietnamese thousands mark in
    "50.5" and take it for 505; a rate is never in the thousands, so both marks
    are read as the decimal mark.
    """

    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]  # the field's value is a Decimal
        text = str(value or "").strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return None
        try:
            rate = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” không phải là một tỷ lệ; hãy nhập ví dụ 95,5."),
                                  params={"value": value}) from None
        if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
            raise ValidationError(_("Tỷ lệ kế hoạch phải từ 0 đến 100%."))
        if rate != rate.quantize(Decimal("0.01")):
            raise ValidationError(_("Tỷ lệ kế hoạch có nhiều nhất hai chữ số thập phân."))
        return rate.quantize(Decimal("0.01"))

    def validate(self, value: object) -> None:
        """Empty is allowed (no target); the rest was checked in to_python."""
