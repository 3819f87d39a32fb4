"""Accounts and roles (Django app)."""
