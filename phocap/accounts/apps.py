from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "phocap.accounts"
    verbose_name = "Tài khoản"
