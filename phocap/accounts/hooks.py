"""What accounts asks of the apps above it (phocap/hooks.py says why hooks).

Turning an account's second factor on or off is written to the audit trail,
which the register keeps (register/audit.py); RegisterConfig fills this in
``ready()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phocap.hooks import Hook

if TYPE_CHECKING:
    from phocap.accounts.models import User

# An audit entry about an account: who (None: the operator), "create" or "update",
# which account, and what it was before and is after (never a password hash).
record_account: Hook[[User | None, str, User, dict[str, object] | None, dict[str, object]],
                     None] = Hook(
    "record_account", "phocap.register")
