"""createuser --username U --password P --role ROLE --unit CODE"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from phocap.accounts.models import ROLE_UNIT_TYPE, Role, User
from phocap.register.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Tạo tài khoản với vai trò và đơn vị phụ trách."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=list(Role.values))
        parser.add_argument("--unit", help="mã đơn vị (xã, huyện hoặc tỉnh) mà vai trò phụ trách")
        parser.add_argument("--vintage", default="2025-07-01",
                            help="danh mục đơn vị của mã (2025-01-04 hoặc 2025-07-01)")

    def handle(self, *args: object, **options: Any) -> None:
        role = Role(options["role"])
        wanted = ROLE_UNIT_TYPE[role]
        unit = None
        if wanted is not None:
            if not options["unit"]:
                raise CommandError(f"Vai trò {role.value} cần --unit (mã {wanted}).")
            unit = AdministrativeUnit.objects.filter(
                vintage=options["vintage"], code=options["unit"]
            ).first()
            if unit is None:
                raise CommandError(
                    f"Không có đơn vị mã {options['unit']} trong danh mục {options['vintage']}."
                )
            if unit.type != wanted:
                raise CommandError(
                    f"Vai trò {role.value} gắn với cấp {wanted}, mã {unit.code} là cấp {unit.type}."
                )
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"Tên đăng nhập {options['username']} đã có.")
        user = User(username=options["username"], role=role, unit=unit)
        try:
            validate_password(options["password"], user)
        except ValidationError as exc:
            raise CommandError("Mật khẩu chưa đủ mạnh: " + " ".join(exc.messages)) from exc
        user.set_password(options["password"])
        user.save()
        self.stdout.write(f"Đã tạo tài khoản {user.username} ({role.label}).")
