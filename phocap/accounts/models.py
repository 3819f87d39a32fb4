"""Users: a role and the unit it covers (issue "The survey register", item 6)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Each label says what the role does (issue 14: a district "xem, không sửa" was
    wrong, it plans, submits its dossier and recognises its communes); who may do what
    exactly is accounts/permissions.py."""

    COMMUNE_STAFF = "commune_staff", _(
        "cán bộ xã (nhập, sửa dữ liệu phổ cập của xã; nộp hồ sơ công nhận xã)")
    SCHOOL_STAFF = "school_staff", _(
        "cán bộ trường (lớp, học sinh, điểm danh của trường mình)")
    DISTRICT_REVIEWER = "district_reviewer", _(
        "cán bộ huyện (lập kế hoạch, xét công nhận xã, nộp hồ sơ huyện)")
    PROVINCE_REVIEWER = "province_reviewer", _(
        "cán bộ tỉnh (lập kế hoạch, xét công nhận đơn vị cấp dưới, nộp hồ sơ tỉnh)")
    PROVINCE_ADMIN = "province_admin", _(
        "quản trị tỉnh (tài khoản, xã ĐBKK; kế hoạch và công nhận như cán bộ tỉnh)")
    MINISTRY_VIEWER = "ministry_viewer", _(
        "Bộ (số liệu tổng hợp toàn quốc, không xem từng người; công nhận cấp tỉnh)")
    SURVEYOR = "surveyor", _(
        "điều tra viên (chỉ các hộ được xã giao trong đợt điều tra đang mở)")


# The level of unit each role is attached to.
ROLE_UNIT_TYPE = {
    Role.COMMUNE_STAFF: "commune",
    Role.SCHOOL_STAFF: "commune",
    Role.DISTRICT_REVIEWER: "district",
    Role.PROVINCE_REVIEWER: "province",
    Role.PROVINCE_ADMIN: "province",
    Role.MINISTRY_VIEWER: None,
    Role.SURVEYOR: "commune",
}


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "register.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("đơn vị"),
    )
    # A district's account after 1 July 2025 (Decree 142/2025: no district level, its
    # tasks moved to the province and the commune): it keeps reading its district's
    # years and may no longer change, upload, submit or review anything
    # (accounts/permissions.py, ``acts``). Set by `manage.py carryaccounts`.
    history_only = models.BooleanField(
        _("chỉ xem lịch sử"), default=False,
        help_text=_("Tài khoản của đơn vị không còn từ 01/7/2025: chỉ xem số liệu các năm"
                    " trước, không sửa, nhập, nộp hay xét hồ sơ."))


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()


class LoginThrottle(models.Model):
    """One counter of the login throttle (accounts/throttle.py): failed or in-flight
    attempts under ``key`` since ``started``.

    A table, not the cache: the file-based cache's increment is a read and a
    write, so parallel guesses all read the same count; a conditional UPDATE on
    one row is atomic on SQLite and PostgreSQL alike.
    """

    key = models.CharField(max_length=80, unique=True)
    started = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)


class TotpDevice(models.Model):
    """A user's TOTP secret (RFC 6238) for the second step of signing in.

    ``confirmed`` stays empty until the user has typed a code the secret
    produces, so an enrolment abandoned half-way never locks anyone out.
    ``last_step`` is the time step of the last code accepted: a code is taken
    only for a later step, so one seen over a shoulder cannot be replayed.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
