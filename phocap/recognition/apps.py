from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "phocap.recognition"
    verbose_name = "Công nhận đạt chuẩn phổ cập"
