"""Settings for the test suite: the real settings plus test-only speed-ups."""

import os

os.environ.setdefault("HOCSO_TESTING", "1")

from hocso.settings import *  # noqa: F403

# Hashing passwords with the production hasher would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
