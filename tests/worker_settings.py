"""Settings of a worker process that a test starts (``manage.py runjobs``): the suite's,
on the test database named in PHOCAP_TEST_WORKER_DB, running tasks itself (not inline).

The test passes its VAR folder in PHOCAP_VAR and its heartbeat in
PHOCAP_JOBS_HEARTBEAT_SECONDS, read by phocap/settings.py as in production.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["PHOCAP_TEST_WORKER_DB"]
JOBS_INLINE = False
