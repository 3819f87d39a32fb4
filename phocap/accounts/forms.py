"""The login form: Django's authentication, behind the same throttle as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from phocap.accounts import tokens


class ThrottledLoginForm(AuthenticationForm):
    """Five failed attempts per user name and address in 15 minutes, then a pause."""

    error_messages = {
        "invalid_login": _("Sai tên đăng nhập hoặc mật khẩu."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = tokens.login(self.request, username, password)
            except tokens.Throttled:
                raise forms.ValidationError(
                    _("Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút."), code="throttled"
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
