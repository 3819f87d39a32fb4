from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "phocap.register"
    verbose_name = "Sổ theo dõi phổ cập"

    def ready(self) -> None:
        # The import kinds of background work register themselves (background.KINDS):
        # every process, web or worker, knows them once Django is set up.
        from phocap.register import jobs  # noqa: F401
