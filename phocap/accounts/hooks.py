"""What accounts asks of the apps above it (phocap/hooks.py says why hooks).

Turning an account's second factor on or off is written to the audit trail,
which the register keeps (register/audit.py); which old units a new unit's staff
read the history of is the register's lineage (register/lineage.py).
RegisterConfig fills both in ``ready()``.
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

# The old units (of the list before 1 July 2025) whose history the user reads besides
# the units below their own: a new commune's predecessors, a new province's
# predecessor provinces (register/lineage.py reads the official conversion table).
history_units: Hook[[User], frozenset[int]] = Hook("history_units", "phocap.register")
