from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "phocap.rounds"
    verbose_name = "Đợt điều tra hằng năm"

    def ready(self) -> None:
        # The register narrows a surveyor's reads to its assignment through its hook
        # (register/hooks.py), without importing this app.
        from phocap.register import hooks
        from phocap.rounds import scope

        hooks.surveyor_rows.provide(scope.surveyor_rows)
