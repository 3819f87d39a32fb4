from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "phocap.attendance"
    label = "attendance"
    verbose_name = "Chuyên cần và cảnh báo bỏ học"

    def ready(self) -> None:
        # The register's home asks where a school's staff member starts the day through
        # its hook (register/hooks.py): it sits below attendance and does not import it.
        from phocap.attendance import programme, views
        from phocap.register import hooks

        hooks.landing.provide(views.landing)
        hooks.class_lists.provide(programme.class_lists)
