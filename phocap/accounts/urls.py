"""Routes of accounts: signing in and out, and the province administrator's pages."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from phocap.accounts.views import LoginView

urlpatterns: list[URLPattern] = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
