import pytest

from comptoir.paypal.testing import paypal_simulator  # noqa: F401


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Pages render without a collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
