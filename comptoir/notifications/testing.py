"""Test helpers for messages: the local SMS provider as a pytest fixture, and outbox readers.

Use from any app's tests with ``from comptoir.notifications.testing import fake_sms  # noqa``.
"""

import pytest

from .fake_sms import FakeSMSProvider

SHOP_SMS_NUMBER = "+15145550100"


@pytest.fixture
def fake_sms(settings):
    """A running local SMS provider; the SMS channel sends to it over real HTTP."""
    provider = FakeSMSProvider().start()
    settings.SMS_API_BASE = provider.base_url
    settings.SMS_ACCOUNT_SID = provider.account_sid
    settings.SMS_AUTH_TOKEN = provider.auth_token
    settings.SMS_FROM_NUMBER = SHOP_SMS_NUMBER
    yield provider
    provider.stop()
