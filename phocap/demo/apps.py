from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (``manage.py loaddemo``): the top layer, since it fills every app.

    It has no models; it is an app of its own so that the register, below the
    schools, attendance and streaming whose demo data it also writes, imports none of them.
    """

    name = "phocap.demo"
    verbose_name = "Dữ liệu mẫu"
