"""Running one side of a race on a thread of its own, hence on a database connection of its
own (Django keeps one per thread), so that each side sees only what the others committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def started(action: Callable[[], Any], outcome: dict[str, Any]) -> threading.Thread:
    """``action`` running on a new thread; its result or exception lands in ``outcome``
    ("value" or "error") for the test thread to check once it has joined."""

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # handed back to the test thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def on_another_connection(action: Callable[[], Any]) -> Any:
    """Run ``action`` on a thread of its own and wait for it; its result (or its exception,
    raised here)."""
    outcome: dict[str, Any] = {}
    thread = started(action, outcome)
    thread.join(60)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
