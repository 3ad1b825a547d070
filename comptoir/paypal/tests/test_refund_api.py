"""PayPal's capture refund API (client and simulator), over real HTTP."""

import uuid
from decimal import Decimal

import pytest

from comptoir.paypal import client as paypal


def captured(paypal_simulator, amount=Decimal("114.98")) -> str:
    client = paypal.PayPalClient()
    order = client.create_order(
        amount=amount, currency="CAD", invoice_id="F-000001", custom_id="custom-1",
        description="Facture F-000001", return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
        request_id=str(uuid.uuid4()),
    )
    paypal_simulator.approve(order["id"])
    return paypal.captures_of(client.capture_order(order["id"], request_id=str(uuid.uuid4())))[0].id


def refund(capture_id, amount, request_id=None):
    return paypal.PayPalClient().refund_capture(
        capture_id, amount=Decimal(amount), currency="CAD", request_id=request_id or str(uuid.uuid4()),
        invoice_id="NC-000001", custom_id="refund-row-1",
    )


def test_partial_refunds_up_to_the_captured_amount(paypal_simulator):
    capture_id = captured(paypal_simulator)
    first = refund(capture_id, "14.98")
    assert (first.status, first.amount, first.currency, first.custom_id) == (
        "COMPLETED", Decimal("14.98"), "CAD", "refund-row-1")
    second = refund(capture_id, "100.00")
    assert second.status == "COMPLETED"
    assert [r["amount"]["value"] for r in paypal_simulator.refunds_of(capture_id)] == ["14.98", "100.00"]
    assert paypal.PayPalClient().get_refund(first.id) == first


def test_more_than_what_remains_is_refused_and_nothing_is_refunded(paypal_simulator):
    capture_id = captured(paypal_simulator)
    refund(capture_id, "100.00")
    with pytest.raises(paypal.PayPalRejected) as error:
        refund(capture_id, "15.00")
    assert error.value.issue == "REFUND_AMOUNT_EXCEEDED"
    assert len(paypal_simulator.refunds_of(capture_id)) == 1
    refund(capture_id, "14.98")
    with pytest.raises(paypal.PayPalRejected) as error:
        refund(capture_id, "0.01")
    assert error.value.issue == "CAPTURE_FULLY_REFUNDED"


def test_the_same_request_id_refunds_once(paypal_simulator):
    capture_id = captured(paypal_simulator)
    first = refund(capture_id, "10.00", request_id="row-uuid-1")
    again = refund(capture_id, "10.00", request_id="row-uuid-1")
    assert first.id == again.id
    assert len(paypal_simulator.refunds_of(capture_id)) == 1


def test_pending_then_completed_and_failed_refunds(paypal_simulator):
    capture_id = captured(paypal_simulator)
    paypal_simulator.set_mode("refund_pending")
    pending = refund(capture_id, "10.00")
    assert pending.status == "PENDING"
    paypal_simulator.complete_refund(pending.id)
    assert paypal.PayPalClient().get_refund(pending.id).status == "COMPLETED"
    paypal_simulator.set_mode("refund_fail")
    assert refund(capture_id, "10.00").status == "FAILED"


def test_unknown_capture_and_bad_amount_are_refused(paypal_simulator):
    with pytest.raises(paypal.PayPalRejected) as error:
        refund("CAP-UNKNOWN", "1.00")
    assert error.value.status == 404
    capture_id = captured(paypal_simulator)
    with pytest.raises(paypal.PayPalRejected) as error:
        refund(capture_id, "-1.00")
    assert error.value.issue == "INVALID_PARAMETER_VALUE"
    assert paypal_simulator.refunds_of(capture_id) == []
