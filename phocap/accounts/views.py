"""Signing in and out; the province administrator's pages live in admin_views."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from phocap.accounts.forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True
