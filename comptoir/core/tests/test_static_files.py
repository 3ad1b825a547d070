"""With DEBUG off, ``collectstatic`` writes WhiteNoise's compressed manifest, pages link the
hashed names, and WhiteNoise serves them compressed with a one-year ``immutable`` cache."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

import comptoir.settings as production_settings
from comptoir.core.testing import make_shop

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": production_settings.STORAGES["staticfiles"],
}


@pytest.fixture
def collected(settings, tmp_path):
    """The production storage (the suite runs with DEBUG off) after ``collectstatic``."""
    assert production_settings.STORAGES["staticfiles"]["BACKEND"] == (
        "comptoir.core.staticfiles.ManifestStaticFilesStorage")
    assert production_settings.WHITENOISE_USE_FINDERS is False
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = MANIFEST_STORAGE
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_pages_link_hashed_names_served_for_a_year(collected):
    assert (collected / "staticfiles.json").exists()
    url = staticfiles_storage.url("comptoir/site.css")
    assert re.fullmatch(r"/static/comptoir/site\.[0-9a-f]{12}\.css", url)
    make_shop()
    client = Client()  # a new handler: WhiteNoise reads the collected files
    assert url in client.get("/fr/").content.decode()

    response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] in ("br", "gzip")

    # The same file under its plain name may change with the next version: short cache.
    plain = client.get("/static/comptoir/site.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]


def test_a_file_not_collected_keeps_its_plain_address(settings, tmp_path, caplog):
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = MANIFEST_STORAGE
    assert staticfiles_storage.url("comptoir/site.css") == "/static/comptoir/site.css"
    assert "not collected" in caplog.text
