from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "phocap.register"
    verbose_name = "Sổ theo dõi phổ cập"
