"""The PayPal client against the simulator, over real HTTP."""

import uuid
from decimal import Decimal

import httpx
import pytest
from django.db import transaction

from comptoir.paypal import client as paypal
from comptoir.paypal.simulator import make_event


def create(client, request_id=None, amount=Decimal("114.98")):
    return client.create_order(
        amount=amount, currency="CAD", invoice_id="F-000001", custom_id="custom-1",
        description="Facture F-000001", return_url="http://shop.test/retour/",
        cancel_url="http://shop.test/annulation/", request_id=request_id or str(uuid.uuid4()),
    )


def test_create_approve_capture_and_get(paypal_simulator):
    client = paypal.PayPalClient()
    order = create(client)
    assert order["status"] == "CREATED"
    approve_url = paypal.approve_url_of(order)
    assert approve_url.startswith(paypal_simulator.base_url + "/checkoutnow?token=")

    back = paypal_simulator.approve(order["id"])
    assert back.startswith("http://shop.test/retour/?token=" + order["id"])
    captured = client.capture_order(order["id"], request_id="cap-1")
    [capture] = paypal.captures_of(captured)
    assert (capture.status, capture.amount, capture.currency) == ("COMPLETED", Decimal("114.98"), "CAD")
    assert (capture.invoice_id, capture.custom_id) == ("F-000001", "custom-1")
    assert paypal.captures_of(client.get_order(order["id"]))[0].id == capture.id


def test_same_request_id_gives_the_same_order_and_capture(paypal_simulator):
    client = paypal.PayPalClient()
    first, again = create(client, "req-1"), create(client, "req-1")
    assert first["id"] == again["id"]
    assert len(paypal_simulator.state.orders) == 1
    paypal_simulator.approve(first["id"])
    one = client.capture_order(first["id"], request_id="cap-1")
    two = client.capture_order(first["id"], request_id="cap-1")
    assert paypal.captures_of(one)[0].id == paypal.captures_of(two)[0].id


def test_capture_without_approval_is_rejected(paypal_simulator):
    client = paypal.PayPalClient()
    order = create(client)
    with pytest.raises(paypal.PayPalRejected) as error:
        client.capture_order(order["id"], request_id="cap-1")
    assert error.value.issue == "ORDER_NOT_APPROVED"
    assert not error.value.retryable


def test_token_is_requested_once_and_cached(paypal_simulator):
    client = paypal.PayPalClient()
    create(client)
    create(client)
    token_calls = [r for r in paypal_simulator.state.requests if r[1] == "/v1/oauth2/token"]
    assert len(token_calls) == 1


def test_expired_token_is_renewed_once(paypal_simulator):
    client = paypal.PayPalClient()
    create(client)
    paypal_simulator.state.tokens.clear()  # PayPal forgot the token: the next call answers 401
    assert create(client)["status"] == "CREATED"


def test_wrong_credentials_are_a_non_retryable_error(paypal_simulator, settings):
    settings.PAYPAL_CLIENT_SECRET = "wrong"
    with pytest.raises(paypal.PayPalRejected) as error:
        create(paypal.PayPalClient())
    assert error.value.status == 401


def test_outage_is_retried_then_reported_as_retryable(paypal_simulator):
    client = paypal.PayPalClient()
    order = create(client)
    paypal_simulator.set_mode("fail")
    paypal_simulator.state.requests.clear()
    with pytest.raises(paypal.PayPalUnavailable) as error:
        client.get_order(order["id"])
    assert error.value.retryable and error.value.status == 500
    assert len(paypal_simulator.state.requests) == 3  # a GET is idempotent: three tries


def test_slow_paypal_times_out(paypal_simulator, settings):
    settings.PAYPAL_TIMEOUT = 0.3
    client = paypal.PayPalClient()
    create(client)
    paypal_simulator.set_mode("slow", delay=1)
    with pytest.raises(paypal.PayPalUnavailable):
        create(client)


def test_unreachable_paypal_is_retryable(settings):
    settings.PAYPAL_API_BASE = "http://127.0.0.1:9"  # discard port: connection refused
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "id", "secret"
    paypal._token_cache.clear()
    with pytest.raises(paypal.PayPalUnavailable):
        paypal.PayPalClient().access_token()


def test_webhook_signature_verification(paypal_simulator):
    client = paypal.PayPalClient()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", {"id": "CAP1"})
    headers = paypal_simulator.sign_event(event)
    assert client.verify_webhook_signature(headers=headers, event=event, webhook_id="WH-SIMULATOR")
    tampered = {**event, "resource": {"id": "CAP2"}}
    assert not client.verify_webhook_signature(headers=headers, event=tampered, webhook_id="WH-SIMULATOR")
    assert not client.verify_webhook_signature(headers=headers, event=event, webhook_id="OTHER")


@pytest.mark.django_db
def test_paypal_is_never_called_inside_a_transaction(paypal_simulator):
    with transaction.atomic(), pytest.raises(RuntimeError):
        paypal.PayPalClient().get_order("ANY")


def test_configuration_and_mode(settings):
    settings.PAYPAL_CLIENT_ID = settings.PAYPAL_CLIENT_SECRET = ""
    settings.PAYPAL_API_BASE = ""
    assert not paypal.is_configured()
    with pytest.raises(paypal.PayPalNotConfigured):
        paypal.PayPalClient()
    settings.PAYPAL_MODE = "sandbox"
    assert (paypal.mode(), paypal.api_base()) == ("sandbox", paypal.SANDBOX_API_BASE)
    settings.PAYPAL_MODE = "live"
    assert (paypal.mode(), paypal.api_base()) == ("live", paypal.LIVE_API_BASE)
    settings.PAYPAL_API_BASE = "http://127.0.0.1:8765"
    assert paypal.mode() == "simulator"


def test_simulator_approval_page_is_labelled_test_mode(paypal_simulator):
    order = create(paypal.PayPalClient())
    page = httpx.get(paypal.approve_url_of(order))
    assert "Mode test — simulateur PayPal" in page.text
    assert "114.98 CAD" in page.text
