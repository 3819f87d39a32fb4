"""Routes of the attendance pages."""

from django.urls import URLPattern, path

from phocap.attendance import overview, views

urlpatterns: list[URLPattern] = [
    path("attendance/mine/", views.mine, name="attendance-mine"),
    path("attendance/schools/<int:pk>/", views.school, name="attendance-school"),
    path("attendance/schools/<int:pk>/import/", views.import_file, name="attendance-import"),
    path("attendance/schools/<int:pk>/at-risk.csv", views.at_risk_export,
         name="attendance-at-risk-export"),
    path("attendance/schools/<int:pk>/calendar/", views.school_calendar,
         name="attendance-calendar"),
    path("attendance/classes/<int:pk>/<str:day>/", views.class_day, name="attendance-day"),
    path("attendance/pupils/<int:pk>/", views.pupil, name="attendance-pupil"),
    path("attendance/communes/<int:pk>/", views.commune, name="attendance-commune"),
    path("attendance/units/<int:pk>/", overview.unit_page, name="attendance-unit"),
]
