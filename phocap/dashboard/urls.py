"""Routes of the dashboard: mobilisation against the plan, the plan's history, trends."""

from django.urls import URLPattern, path

from phocap.dashboard import views

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/mobilisation/", views.mobilisation, name="dashboard-mobilisation"),
    path("units/<int:pk>/targets/history/", views.target_history,
         name="dashboard-target-history"),
    path("units/<int:pk>/trends/", views.trends, name="dashboard-trends"),
]
