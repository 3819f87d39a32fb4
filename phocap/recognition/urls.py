"""Routes of the recognition workflow: a unit's dossiers, one dossier (and its printed PDF),
the reviewer's queue and what they decided."""

from django.urls import URLPattern, path

from phocap.recognition import views

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/dossiers/", views.dossiers, name="dossier-list"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/pdf/", views.dossier_pdf, name="dossier-pdf"),
    path("recognition/queue/", views.queue, name="queue"),
    path("recognition/decided/", views.decided, name="decided"),
]
