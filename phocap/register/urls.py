"""Routes of the register's pages (imports and duplicates have their own route files)."""

from django.urls import URLPattern, path

from phocap.register.views import (
    audit,
    crossing,
    field_forms,
    forms,
    households,
    national,
    persons,
    reconcile,
    units,
)

urlpatterns: list[URLPattern] = [
    path("", units.home, name="home"),
    path("national/", national.national, name="national"),
    path("units/<int:pk>/", units.unit, name="unit"),
    path("units/<int:pk>/results/", units.results, name="unit-results"),
    path("units/<int:pk>/people/<str:criterion>/", units.people, name="unit-people"),
    path("units/<int:pk>/forms/", forms.forms, name="unit-forms"),
    path("units/<int:pk>/forms/<str:code>/", forms.form, name="unit-form"),
    path("units/<int:pk>/forms/<str:code>/reconcile/", reconcile.reconcile,
         name="unit-form-reconcile"),
    path("units/<int:pk>/forms.xlsx", forms.forms_xlsx, name="unit-forms-xlsx"),
    path("units/<int:pk>/name-lists.xlsx", forms.name_lists_xlsx, name="unit-name-lists-xlsx"),
    path("units/<int:pk>/households/", units.households, name="unit-households"),
    path("units/<int:pk>/households/new/", households.create, name="household-new"),
    path("units/<int:pk>/audit/", audit.log, name="unit-audit"),
    path("units/<int:pk>/export.xlsx", audit.export, name="unit-export"),
    path("units/<int:pk>/field-forms.zip", field_forms.commune_zip, name="unit-field-forms"),
    path("villages/<int:pk>/field-forms.pdf", field_forms.village_pdf,
         name="village-field-forms-pdf"),
    path("villages/<int:pk>/field-forms.xlsx", field_forms.village_xlsx,
         name="village-field-forms-xlsx"),
    path("units/<int:pk>/rollover/", households.year_rollover, name="unit-rollover"),
    path("units/<int:pk>/crossing/", crossing.open_first_year, name="unit-crossing"),
    path("units/<int:pk>/village-homes/", crossing.village_homes, name="unit-village-homes"),
    path("households/<int:pk>/", households.detail, name="household"),
    path("households/<int:pk>/edit/", households.edit, name="household-edit"),
    path("households/<int:pk>/members/new/", persons.create, name="person-new"),
    path("persons/<int:pk>/", persons.detail, name="person"),
    path("persons/<int:pk>/move/", persons.move, name="person-move"),
]
