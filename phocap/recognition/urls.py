"""Routes of the recognition workflow: a unit's dossiers, one dossier, the reviewer's queue."""

from django.urls import URLPattern, path

from phocap.recognition import views

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/dossiers/", views.dossiers, name="dossier-list"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("recognition/queue/", views.queue, name="queue"),
]
