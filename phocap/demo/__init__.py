"""The demo district and its accounts, loaded by ``manage.py loaddemo`` (Django app)."""
