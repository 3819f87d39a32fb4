"""The one optimistic lock's refusal, shared by every app that keeps a version on its rows.

A form carries the version it was opened with; a save that finds another
version stored refuses with StaleEdit instead of overwriting someone else's
change (register/editing.py, schools/services.py, streaming/services.py). One
exception, so a view, the API and a test catch the same thing everywhere.
"""

from __future__ import annotations


class StaleEdit(Exception):
    """The record changed since the form was opened: nothing was saved."""
