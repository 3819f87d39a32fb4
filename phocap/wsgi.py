"""WSGI entry point (gunicorn phocap.wsgi) for the demo and production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phocap.settings")
application = get_wsgi_application()
