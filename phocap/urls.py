"""URL routes of the web application."""

from django.urls import URLPattern, URLResolver, path

from phocap.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
]
