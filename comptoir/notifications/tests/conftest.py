import socket

import pytest
from django.urls import NoReverseMatch, reverse

from comptoir.notifications.testing import fake_sms  # noqa: F401


@pytest.fixture(autouse=True)
def order_page_url(settings):
    """Messages link to the customer's order page; route it if the storefront does not yet."""
    try:
        reverse("storefront:order_detail", kwargs={"token": "00000000-0000-0000-0000-000000000000"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = "comptoir.notifications.tests.urls"


class RefusingHandler:
    """An SMTP server that refuses nobody@… for good (550) and busy@… for now (450)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_smtp_server(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = RefusingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()
