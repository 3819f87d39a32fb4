from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "phocap.recognition"
    verbose_name = "Công nhận đạt chuẩn phổ cập"

    def ready(self) -> None:
        # The register asks whether a dossier freezes a year through its hook
        # (register/hooks.py): it sits below recognition and does not import it.
        from phocap.recognition import freeze, tasks
        from phocap.register import hooks

        hooks.dossier_freeze.provide(freeze.dossier_reason)
        hooks.unit_tasks.provide(tasks.unit_tasks)
