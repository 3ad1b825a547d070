import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without ``collectstatic``: serve the stylesheet from the app directories."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
