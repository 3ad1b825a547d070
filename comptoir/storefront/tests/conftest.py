import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without ``collectstatic``: serve the stylesheet from the app directories."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seeded_tax_rates(transactional_db):
    """Tax rates come from a data migration; a transactional test's flush removes them."""
    import importlib

    from django.apps import apps

    importlib.import_module("comptoir.taxes.migrations.0002_seed_rates").seed(apps, None)


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French: a request to an /en/ page leaves English active in the
    thread, which would change the URLs ``reverse`` builds in the next test."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()
