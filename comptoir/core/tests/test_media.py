"""Uploaded media: served by Django only with DEBUG or SERVE_MEDIA=true (the demo), and then only
the public folders (catalogue pictures, logo); stored invoice PDFs are never served by URL."""

import importlib

import pytest
from django.urls import clear_url_caches

import comptoir.urls

pytestmark = pytest.mark.django_db  # the 404 page shows the shop


def reload_urls(settings, serve_media: bool):
    settings.SERVE_MEDIA = serve_media
    importlib.reload(comptoir.urls)
    clear_url_caches()


@pytest.fixture
def media_files(media_root):
    for name in ("products/cafe.png", "merchant/logo.png", "invoices/F-2026-0001-fr-abc.pdf"):
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"content of " + name.encode())
    return media_root


@pytest.fixture
def urls_with(settings):
    yield lambda serve_media: reload_urls(settings, serve_media)
    reload_urls(settings, False)


def test_production_does_not_serve_media(client, media_files, urls_with):
    urls_with(False)
    assert client.get("/media/products/cafe.png").status_code == 404
    assert client.get("/media/merchant/logo.png").status_code == 404


def test_the_demo_serves_the_public_media_only(client, media_files, urls_with):
    urls_with(True)
    picture = client.get("/media/products/cafe.png")
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content) == b"content of products/cafe.png"
    assert "no-store" not in picture.get("Cache-Control", "")
    assert client.get("/media/merchant/logo.png").status_code == 200
    for private in ("/media/invoices/F-2026-0001-fr-abc.pdf",
                    "/media/products/../invoices/F-2026-0001-fr-abc.pdf"):
        assert client.get(private).status_code == 404
