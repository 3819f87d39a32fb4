"""The test suite's settings: production's, with a key of its own.

phocap refuses to start without PHOCAP_SECRET_KEY outside the demo, and the
suite runs the production settings, so it brings a key (not a secret: it signs
only the test databases' sessions). Set in the environment before the settings
are read, so that processes the tests start (manage.py, a child import) inherit it.
"""

import os

os.environ.setdefault("PHOCAP_SECRET_KEY",
                      "phocap-test-suite-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from phocap.settings import *  # noqa: F403
