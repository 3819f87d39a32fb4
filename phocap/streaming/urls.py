"""Routes of streaming after lower secondary, career guidance and labour demand."""

from django.urls import URLPattern, path

from phocap.streaming.views import destinations, guidance, labour, rates, targets

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/streaming/", rates.rates, name="streaming-rates"),
    path("units/<int:pk>/streaming/targets/", targets.targets, name="streaming-targets"),
    path("schools/<int:pk>/streaming/", destinations.destinations,
         name="streaming-destinations"),
    path("units/<int:pk>/career-guidance/", guidance.activities, name="streaming-guidance"),
    path("schools/<int:pk>/career-guidance/new/", guidance.new_activity,
         name="streaming-guidance-new"),
    path("units/<int:pk>/labour-demand/", labour.labour_demand, name="streaming-labour"),
    path("units/<int:pk>/labour-demand/new/", labour.new_labour_demand,
         name="streaming-labour-new"),
]
