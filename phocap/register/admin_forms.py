"""Forms of the province administrator's pages: accounts of the province's units.

An administrator hands out only the roles that work inside the province's
data (commune and school staff, district and province reviewers). Another
province administrator or a ministry viewer holds powers beyond one
province's accounts, so those are created by the operator with the
``createuser`` command, never from these pages; that keeps an administrator
from multiplying administrators or granting national reach.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from phocap.accounts.models import ROLE_UNIT_TYPE, Role, User
from phocap.register.models import AdministrativeUnit
from phocap.textfields import CheckedForm

ASSIGNABLE_ROLES: tuple[str, ...] = tuple(
    value for value in Role.values
    # A surveyor's account is made by its commune's staff (rounds/accounts.py).
    if value not in (Role.PROVINCE_ADMIN, Role.MINISTRY_VIEWER, Role.SURVEYOR))


def unit_label(unit: AdministrativeUnit) -> str:
    return f"{unit.get_type_display()} · {unit.name} ({unit.code})"


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return unit_label(obj)


class AccountForm(CheckedForm):
    """Role, unit, name and (optionally) a new password for an account of the province.

    ``units`` is the province and every unit below it, in the order they are
    offered: the unit chosen must be among them and of the level the role is
    attached to (ROLE_UNIT_TYPE).
    """

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"),
                             choices=[(value, label) for value, label in Role.choices
                                      if value in ASSIGNABLE_ROLES])
    unit = UnitChoiceField(label=_("Đơn vị phụ trách"), queryset=AdministrativeUnit.objects.none(),
                           empty_label=None)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, required=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, required=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    password_required = False

    def __init__(self, *args: Any, units: QuerySet[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]  # as declared
        unit_field.queryset = units
        if self.password_required:
            self.fields["password1"].required = True
            self.fields["password2"].required = True

    # The user name of an existing account (not a field of the edit form).
    fixed_username = ""

    def account(self) -> User:
        """The account as it would be saved, for the password validators' similarity check."""
        return User(username=self.cleaned_data.get("username", self.fixed_username),
                    first_name=self.cleaned_data.get("full_name", ""))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        role, unit = cleaned.get("role"), cleaned.get("unit")
        if role and unit is not None and ROLE_UNIT_TYPE[Role(role)] != unit.type:
            wanted = AdministrativeUnit.Type(ROLE_UNIT_TYPE[Role(role)]).label  # type: ignore[arg-type]  # ASSIGNABLE_ROLES all have one
            self.add_error("unit", _("Vai trò này gắn với một đơn vị cấp %(level)s.")
                           % {"level": wanted})
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first or second:
            if first != second:
                self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
            else:
                try:
                    validate_password(first, self.account())  # type: ignore[arg-type]  # equal and not both empty
                except ValidationError as exc:
                    self.add_error("password1", [_in_vietnamese(e) for e in exc.error_list])
        return cleaned


def _in_vietnamese(error: ValidationError) -> ValidationError:
    """A password validator's error, in Vietnamese even where Django's catalogue lags.

    Django 5.2 rewrote the "too short" message and its Vietnamese catalogue
    still holds only the old wording, so that one would reach users in English.
    """
    if error.code == "password_too_short" and error.params:
        return ValidationError(
            _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % error.params,
            code=error.code)
    return error


class NewAccountForm(AccountForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"), max_length=150,
        help_text=_("Chữ cái, chữ số và các ký tự @ . + - _"),
    )

    field_order = ("username", "full_name", "role", "unit", "password1", "password2")
    password_required = True

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(
                _("Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _")) from None
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Tên đăng nhập này đã có."))
        return username


class EditAccountForm(AccountForm):
    is_active = forms.BooleanField(
        label=_("Đang hoạt động"), required=False,
        help_text=_("Bỏ chọn để khóa tài khoản; người dùng bị đăng xuất ngay."),
    )

    field_order = ("full_name", "role", "unit", "is_active", "password1", "password2")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.fixed_username = user.username
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Mật khẩu mới")
        self.fields["password1"].help_text = _("Để trống nếu không đặt lại mật khẩu.")


DIFFICULT_YEAR_RANGE = (1990, 2100)


class DifficultYearForm(CheckedForm):
    """The survey year whose ĐBKK list is shown or saved."""

    year = forms.IntegerField(label=_("Năm điều tra"), min_value=DIFFICULT_YEAR_RANGE[0],
                              max_value=DIFFICULT_YEAR_RANGE[1])
