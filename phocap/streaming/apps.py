from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "phocap.streaming"
    verbose_name = "Phân luồng sau THCS và hướng nghiệp"
