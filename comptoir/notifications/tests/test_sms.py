"""The SMS channel against the local Twilio-compatible provider, over real HTTP."""

import httpx
import pytest

from comptoir.notifications.channels.sms import normalize_phone_number
from comptoir.notifications.fake_sms import DEFAULT_ACCOUNT_SID
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending

from .helpers import queue_test_sms

MESSAGES_URL = "/2010-04-01/Accounts/{sid}/Messages.json"


def post(provider, data, *, auth=None, sid=DEFAULT_ACCOUNT_SID):
    return httpx.post(provider.base_url + MESSAGES_URL.format(sid=sid), data=data,
                      auth=auth or (provider.account_sid, provider.auth_token))


def test_the_fake_provider_creates_a_message_like_the_real_api(fake_sms):
    response = post(fake_sms, {"To": "+15145550142", "From": "+15145550100", "Body": "Bonjour"})

    assert response.status_code == 201
    message = response.json()
    assert message["sid"].startswith("SM") and len(message["sid"]) == 34
    assert message["status"] == "queued"
    assert message["to"] == "+15145550142"
    assert message["from"] == "+15145550100"
    assert message["body"] == "Bonjour"
    assert message["direction"] == "outbound-api"
    assert message["api_version"] == "2010-04-01"
    assert message["uri"].endswith(f"/Messages/{message['sid']}.json")
    assert fake_sms.messages == [message]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"To": "5145550142", "From": "+15145550100", "Body": "x"}, 400, 21211),
        ({"From": "+15145550100", "Body": "x"}, 400, 21604),
        ({"To": "+15145550142", "Body": "x"}, 400, 21603),
        ({"To": "+15145550142", "From": "+15145550100", "Body": ""}, 400, 21602),
    ],
)
def test_the_fake_provider_refuses_bad_requests_with_the_apis_errors(fake_sms, data, status, code):
    response = post(fake_sms, data)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["more_info"].endswith(str(code))
    assert fake_sms.messages == []


def test_the_fake_provider_checks_credentials(fake_sms):
    response = post(fake_sms, {"To": "+15145550142", "From": "+15145550100", "Body": "x"},
                    auth=(DEFAULT_ACCOUNT_SID, "wrong"))

    assert response.status_code == 401
    assert response.json()["code"] == 20003
    assert fake_sms.messages == []


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("514 555-0142", "+15145550142"), ("(514) 555-0142", "+15145550142"),
     ("1-514-555-0142", "+15145550142"), ("+33 6 12 34 56 78", "+33612345678"), ("abc", "abc")],
)
def test_phone_numbers_are_normalized_to_e164(typed, e164):
    assert normalize_phone_number(typed) == e164


@pytest.mark.django_db
def test_an_sms_is_delivered_once_to_the_provider(fake_sms):
    notification = queue_test_sms(recipient="514 555-0142")

    assert deliver_pending() == 1
    assert deliver_pending() == 0

    [message] = fake_sms.messages
    notification.refresh_from_db()
    assert notification.recipient == "+15145550142"
    assert notification.status == Notification.Status.SENT
    assert notification.provider_reference == message["sid"]
    assert message["from"] == "+15145550100"
    # GSM-alphabet text (no no-break spaces, no « º »): 160 characters per segment.
    assert message["body"] == "Délices : nouvelle commande no 1001 de Marie Tremblay, 10,00 $."
    assert message["num_segments"] == "1"


@pytest.mark.django_db
def test_a_provider_error_5xx_is_retried(fake_sms):
    fake_sms.fail_next(1, status=503)
    notification = queue_test_sms()

    assert deliver_pending() == 0
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "HTTP 503" in notification.last_error

    assert deliver_pending(now=notification.next_attempt_at) == 1
    assert len(fake_sms.messages) == 1


@pytest.mark.django_db
def test_a_request_refused_by_the_provider_fails_without_retry(fake_sms):
    fake_sms.fail_next(1, status=400)
    notification = queue_test_sms()

    assert deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "HTTP 400" in notification.last_error
    assert fake_sms.messages == []


@pytest.mark.django_db
def test_a_number_that_is_not_a_mobile_number_fails_without_calling_the_provider(fake_sms):
    notification = queue_test_sms(recipient="pas un numéro")

    assert deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert fake_sms.requests == 0


@pytest.mark.django_db
def test_without_credentials_the_sms_goes_to_the_console(settings, caplog):
    settings.SMS_ACCOUNT_SID = settings.SMS_AUTH_TOKEN = ""
    notification = queue_test_sms()

    with caplog.at_level("INFO", logger="comptoir.notifications"):
        assert deliver_pending() == 1

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert "nouvelle commande no 1001" in caplog.text
