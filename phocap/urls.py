"""URL routes of the web application."""

from django.urls import URLPattern, URLResolver, include, path

from phocap.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("phocap.accounts.urls")),
    path("", include("phocap.register.urls_admin")),
    path("imports/", include("phocap.register.urls_imports")),
    path("", include("phocap.register.urls")),
    path("", include("phocap.register.urls_duplicates")),
    path("", include("phocap.recognition.urls")),
    path("", include("phocap.dashboard.urls")),
    path("", include("phocap.attendance.urls")),
    path("", include("phocap.schools.urls")),
    path("", include("phocap.streaming.urls")),
    path("", include("phocap.rounds.urls")),
]
