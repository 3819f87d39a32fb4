"""The test suite's settings: production's, with a key of its own.

phocap refuses to start without PHOCAP_SECRET_KEY outside the demo, and the
suite runs the production settings, so it brings a key (not a secret: it signs
only the test databases' sessions). Set in the environment before the settings
are read, so that processes the tests start (manage.py, a child import) inherit it.
"""

import hashlib
import os

os.environ.setdefault("PHOCAP_SECRET_KEY",
                      "phocap-test-suite-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from phocap.settings import *  # noqa: F403

# Each background task runs in the process that queued it, once the transaction that
# queued it commits (so in the request, or at the end of a test's on-commit capture);
# tests of the worker itself turn this off and start `manage.py runjobs`.
JOBS_INLINE = True
# Inline, warming the pages after every change would make each edit of the suite compute
# every page above it; the tests of warming (tests/web/test_warm_pages.py) turn it on.
WARM_PAGES = False

# Each test starts with an empty cache (tests/web/conftest.py), and a file cache's clear()
# empties its whole folder: the SQLite and PostgreSQL suites, run side by side, would empty
# each other's results cache mid-test. Each database gets a folder of its own.
CACHES["default"]["LOCATION"] = VAR_DIR / "test-cache" / hashlib.sha256(  # noqa: F405
    str(CACHES["default"]["KEY_PREFIX"]).encode()).hexdigest()[:16]  # noqa: F405
