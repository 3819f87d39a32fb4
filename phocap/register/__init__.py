"""The household register (Django app)."""
