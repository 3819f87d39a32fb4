"""The login forms: Django's authentication behind the throttle, and the one-time code."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from phocap.accounts import throttle
from phocap.textfields import CheckedForm


class ThrottledLoginForm(AuthenticationForm):
    """The password is checked only if the throttle lets the attempt through (throttle.py)."""

    error_messages = {
        "invalid_login": _("Sai tên đăng nhập hoặc mật khẩu."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = throttle.login(self.request, username, password)  # type: ignore[arg-type]  # LoginView passes its request
            except throttle.Throttled as exc:
                raise forms.ValidationError(exc.message(), code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(CheckedForm):
    """The six digits an authenticator app shows (spaces are forgiven)."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "size": 8}),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(
                _("Mã xác thực gồm đúng 6 chữ số, như ứng dụng xác thực đang hiển thị; "
                  "đã nhập “%(value)s”.") % {"value": code[:12]})
        return code
