"""Routes of accounts: signing in and out, and the second factor."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from phocap.accounts import views

urlpatterns: list[URLPattern] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
