"""Routes of accounts: signing in and out, and the province administrator's pages."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from phocap.accounts import admin_views, views

urlpatterns: list[URLPattern] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/users/", admin_views.users, name="admin-users"),
    path("admin/users/new/", admin_views.user_new, name="admin-user-new"),
    path("admin/users/<int:pk>/", admin_views.user_edit, name="admin-user-edit"),
    path("admin/difficult/", admin_views.difficult, name="admin-difficult"),
]
