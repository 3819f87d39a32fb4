from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "phocap.attendance"
    label = "attendance"
    verbose_name = "Chuyên cần và cảnh báo bỏ học"
