"""Routes of the province administrator's pages (register/views/admin.py)."""

from django.urls import URLPattern, path

from phocap.register.views import admin

urlpatterns: list[URLPattern] = [
    path("admin/users/", admin.users, name="admin-users"),
    path("admin/users/new/", admin.user_new, name="admin-user-new"),
    path("admin/users/<int:pk>/", admin.user_edit, name="admin-user-edit"),
    path("admin/difficult/", admin.difficult, name="admin-difficult"),
]
