"""The commune's surveyors' accounts: created, listed and deactivated by the commune's staff.

A surveyor is an account of Role.SURVEYOR attached to the commune; what it reads is its
assignment (rounds/scope.py). Every change is an audit entry about the account
(audit.record_account), as the province administrator's are.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phocap.accounts.models import Role, User
from phocap.accounts.permissions import may_run_round
from phocap.register import audit
from phocap.register.models import AdministrativeUnit
from phocap.register.views.admin import account_snapshot


def surveyors(commune: AdministrativeUnit) -> QuerySet[User]:
    return User.objects.filter(role=Role.SURVEYOR, unit=commune).order_by("username")


def create(actor: User, commune: AdministrativeUnit, username: str, full_name: str,
           password: str) -> User:
    if not may_run_round(actor, commune):
        raise PermissionDenied(_("Chỉ cán bộ xã tạo tài khoản điều tra viên của xã mình."))
    with transaction.atomic():
        user = User(username=username, first_name=full_name, role=Role.SURVEYOR, unit=commune)
        user.set_password(password)
        user.save()
        audit.record_account(actor, "create", user, None,
                             account_snapshot(user) | {"password_set": True})
    return user


def deactivate(actor: User, surveyor: User) -> None:
    """The account can no longer sign in; its API tokens stop working at once."""
    commune = surveyor.unit
    if commune is None or surveyor.role != Role.SURVEYOR or not may_run_round(actor, commune):
        raise PermissionDenied(_("Chỉ cán bộ xã quản lý điều tra viên của xã mình."))
    with transaction.atomic():
        before = account_snapshot(surveyor)
        surveyor.is_active = False
        surveyor.save(update_fields=["is_active"])
        surveyor.api_tokens.all().delete()
        audit.record_account(actor, "update", surveyor, before,
                             account_snapshot(surveyor) | {"password_set": False})
