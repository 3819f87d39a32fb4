from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "phocap.schools"
    verbose_name = "Trường học, giáo viên, học sinh"
