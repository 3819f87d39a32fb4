"""Every text field of every form refuses what a cell of a survey file refuses.

A form's text fields get one validator that asks the core's text check
(survey/text.py: no control or bidirectional-override characters, no longer
than the model keeps), in place of Django's own null-character and length
validators, so that a page says exactly what a file and the API say. Every
form of phocap derives from CheckedForm or CheckedModelForm;
tests/web/test_one_validation.py fails on one that does not. Passwords are
left alone (they are never shown, and the login has its own rules).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from phocap.survey.text import text_problem


class PlainText:
    """A form field's validator: the core's text check under the field's label."""

    def __init__(self, label: str, max_chars: int | None) -> None:
        self.label = label
        self.max_chars = max_chars

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and (
                problem := text_problem(self.label, value, self.max_chars)):
            raise ValidationError(problem, code="text")


def guard(form: forms.BaseForm) -> None:
    """Give each text field of ``form`` the one text check (once)."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field.widget,
                                                                forms.PasswordInput):
            continue
        kept = [v for v in field.validators
                if not isinstance(v, (MaxLengthValidator, ProhibitNullCharactersValidator,
                                      PlainText))]
        field.validators = [*kept, PlainText(str(field.label or name), field.max_length)]


class CheckedForm(forms.Form):
    """A form whose text fields are checked, those added in a subclass's ``__init__`` too."""

    def full_clean(self) -> None:
        guard(self)
        super().full_clean()


class CheckedModelForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    """A model form whose text fields are checked (their max_length is the model's)."""

    def full_clean(self) -> None:
        guard(self)
        super().full_clean()
