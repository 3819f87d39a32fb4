"""Routes of the school registry."""

from django.urls import URLPattern, path

from phocap.schools import views

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/schools/", views.unit_schools, name="unit-schools"),
    path("units/<int:pk>/schools/new/", views.school_new, name="school-new"),
    path("units/<int:pk>/reconcile/", views.unit_reconcile, name="unit-reconcile"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school-edit"),
    path("schools/<int:pk>/year/", views.school_year, name="school-year"),
    path("schools/<int:pk>/staff/new/", views.staff_new, name="school-staff-new"),
    path("schools/<int:pk>/sites/new/", views.site_new, name="school-site-new"),
    path("schools/<int:pk>/classes/new/", views.class_new, name="school-class-new"),
    path("schools/<int:pk>/class-lists/import/", views.class_list_import,
         name="school-class-list-import"),
    path("schools/<int:pk>/reconcile/", views.school_reconcile, name="school-reconcile"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff-edit"),
    path("classes/<int:pk>/", views.school_class, name="school-class"),
]
