"""Shared pytest fixtures: a real SMTP server on 127.0.0.1 and a real Chromium via Playwright."""

import os
import shutil
import socket
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it receives."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


def pytest_configure(config):
    """The suite does not run ``collectstatic``: plain static files instead of the manifest that
    production uses (comptoir/core/tests/test_static_files.py collects and checks that one)."""
    from django.test.utils import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()


def pytest_runtest_setup(item):
    """Tests marked ``postgres`` need real row locks: they are skipped on SQLite."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (real row locks and concurrency)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded images and stored PDFs of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_tax_rates(request):
    """Tax rates are seeded by a data migration, and a transactional test's flush deletes them:
    put them back before any test that uses the database."""
    if "_django_db_helper" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    from comptoir.taxes.models import TaxRate

    if not TaxRate.objects.exists():
        from comptoir.taxes.rates import seed_default_rates

        seed_default_rates(TaxRate)


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's email goes to it over real SMTP."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser"
    )
    if not path:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            # Continuous integration must run the browser tests: a missing browser fails them.
            pytest.fail(f"{message}; CI runs every browser test", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page; ``page.screenshot_as(name)`` saves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    def screenshot_as(name: str):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    page.screenshot_as = screenshot_as
    yield page
    context.close()
