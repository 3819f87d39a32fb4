"""Routes of the likely-duplicates pages (review for every reader, merge for commune staff)."""

from django.urls import URLPattern, path

from phocap.register.views import duplicates

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/duplicates/", duplicates.duplicates, name="duplicates"),
    path("units/<int:pk>/duplicates/merge/", duplicates.merge, name="duplicates-merge"),
]
