"""Routes of the import pages (included under imports/ by phocap/urls.py)."""

from django.urls import URLPattern, path

from phocap.register.views import imports

urlpatterns: list[URLPattern] = [
    path("", imports.job_list, name="import-list"),
    path("new/", imports.job_new, name="import-new"),
    path("<int:pk>/", imports.job_detail, name="import-detail"),
    path("<int:pk>/progress/", imports.job_progress, name="import-progress"),
    path("<int:pk>/report.xlsx", imports.job_report, name="import-report"),
    path("<int:pk>/commit/", imports.job_commit, name="import-commit"),
]
