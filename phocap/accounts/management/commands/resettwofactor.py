"""resettwofactor --username U: turn a user's second factor off (a lost phone).

The operator's tool, like ``createuser``: the user sets it up again at their
next sign-in if the setting requires it, or from the page "Xác thực hai lớp".
The reset is written to the audit trail.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phocap.accounts import twofactor
from phocap.accounts.models import User


class Command(BaseCommand):
    help = "Tắt xác thực hai lớp của một tài khoản (khi người dùng mất điện thoại)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']}.")
        if not twofactor.reset(user):
            raise CommandError(f"Tài khoản {user.username} chưa bật xác thực hai lớp.")
        self.stdout.write(f"Đã tắt xác thực hai lớp của {user.username}.")
