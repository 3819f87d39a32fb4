from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "phocap.dashboard"
    verbose_name = "Xu hướng và huy động so với kế hoạch"
