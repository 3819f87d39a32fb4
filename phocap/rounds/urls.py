"""Routes of the survey round's pages."""

from django.urls import URLPattern, path

from phocap.rounds import views

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/round/", views.commune_round, name="round"),
    path("units/<int:pk>/surveyors/", views.surveyors, name="round-surveyors"),
    path("units/<int:pk>/rounds/", views.overview, name="round-overview"),
    path("round/mine/", views.mine, name="round-mine"),
]
