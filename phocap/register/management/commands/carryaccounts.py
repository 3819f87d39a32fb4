"""carryaccounts [--dry-run]: the accounts of the old units across the line of 1 July 2025
(register/carry.py says what happens to each)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from phocap.accounts.models import Role
from phocap.numbers import integer
from phocap.register.carry import Outcome, carry_accounts, outcome_words


class Command(BaseCommand):
    help = _("Chuyển tài khoản của đơn vị cũ sang đơn vị từ 01/7/2025: xã sáp nhập sang xã"
             " mới, tỉnh sang tỉnh mới, tài khoản huyện chỉ xem lịch sử; xã bị chia giữ nguyên"
             " để quản trị tỉnh quyết định.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help=_("chỉ liệt kê, không thay đổi tài khoản nào"))

    def handle(self, *args: object, **options: object) -> None:
        dry_run = bool(options["dry_run"])
        carried = carry_accounts(dry_run=dry_run)
        if not carried:
            self.stdout.write(_("Không có tài khoản nào của đơn vị cũ cần chuyển."))
            return
        header = [_("Tài khoản"), _("Vai trò"), _("Đơn vị trước 01/7/2025"),
                  _("Đơn vị từ 01/7/2025"), _("Kết quả")]
        rows = [[c.user.username, str(Role(c.user.role).label).split(" (")[0], str(c.before),
                 str(c.after) if c.after is not None and c.after != c.before
                 else ", ".join(str(u) for u in c.candidates) or "—",
                 outcome_words(c.outcome)] for c in carried]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
                              .rstrip())
        changed = sum(c.outcome in (Outcome.MOVED, Outcome.HISTORY_ONLY) for c in carried)
        left = len(carried) - changed
        if dry_run:
            self.stdout.write(_("Chạy thử: chưa thay đổi gì (%(n)s tài khoản sẽ đổi).")
                              % {"n": integer(changed)})
        else:
            self.stdout.write(_("Đã đổi %(n)s tài khoản; mỗi thay đổi ghi vào nhật ký.")
                              % {"n": integer(changed)})
        if left:
            self.stdout.write(_("%(n)s tài khoản giữ nguyên: quản trị tỉnh gán đơn vị mới cho"
                                " từng người.") % {"n": integer(left)})
