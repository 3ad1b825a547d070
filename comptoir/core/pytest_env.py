"""Environment of a test run, loaded by pytest before pytest-django reads the settings
(``-p comptoir.core.pytest_env`` in pyproject.toml).

The settings refuse to start with DEBUG off and no secret key: the run gets a random key of its
own, which the processes the tests start (worker, server) inherit.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
