"""Row locks in one order (``core.locks``): the run-time check, no lock taken elsewhere, and the
paths that meet on one order (a payment, a PayPal webhook, a status change) never deadlock."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

import comptoir
from comptoir.catalog.models import Product
from comptoir.core.errors import DomainError
from comptoir.core.locks import LockOrderError, lock, lock_one
from comptoir.core.testing import make_product, run_together, split_outcomes
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import change_order_status, lock_invoice
from comptoir.orders.models import Order
from comptoir.payments.models import Payment
from comptoir.payments.services import paid_total, record_payment
from comptoir.paypal import client as paypal
from comptoir.paypal.models import WebhookEvent
from comptoir.paypal.services import start_checkout
from comptoir.paypal.simulator import make_event
from comptoir.paypal.testing import (  # noqa: F401
    enable_paypal,
    make_invoiced_order,
    paypal_simulator,
    process_stored_webhooks,
)

PACKAGE = Path(comptoir.__file__).parent


def test_no_service_locks_rows_by_itself():
    """Every row lock of the domain apps goes through ``core.locks``."""
    found = []
    for app in ("catalog", "checkout", "orders", "invoicing", "payments", "paypal", "configuration"):
        for path in (PACKAGE / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            function = ""
            for line in path.read_text().splitlines():
                if definition := re.match(r"def (\w+)", line):
                    function = definition.group(1)
                if re.search(r"\.select_for_update\(", line):
                    found.append(f"{path.relative_to(PACKAGE)}:{function}")
    # Moving categories and products within a list locks their positions, not money or stock.
    assert found == ["configuration/services.py:move_in_order"]


@pytest.mark.django_db
def test_order_then_invoice_then_payment_then_stock_is_accepted():
    enable_paypal()
    order, invoice = make_invoiced_order()
    record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("10.00"))
    first, second = make_product(), make_product()
    with transaction.atomic():
        locked = lock_invoice(invoice)
        assert locked.order.pk == order.pk
        assert len(lock(Payment.objects.filter(invoice=invoice))) == 1
        products = lock(Product.objects.filter(pk__in=[second.pk, first.pk]))
        assert [product.pk for product in products] == [first.pk, second.pk]
        # Locking again rows already held is no new lock: allowed in any order.
        lock_one(Order.objects.all(), order.pk)


@pytest.mark.django_db
def test_an_order_locked_after_its_invoice_is_refused():
    order, invoice = make_invoiced_order()
    other, _other_invoice = make_invoiced_order()
    with pytest.raises(LockOrderError, match="orders.order"), transaction.atomic():
        lock_one(Invoice.objects.all(), invoice.pk)
        lock_one(Order.objects.all(), other.pk)


@pytest.mark.django_db
def test_stock_rows_are_locked_by_ascending_id_only():
    first, second = make_product(), make_product()
    with pytest.raises(LockOrderError, match="catalog.product"), transaction.atomic():
        lock_one(Product.objects.all(), second.pk)
        lock_one(Product.objects.all(), first.pk)
    # The next transaction starts afresh.
    with transaction.atomic():
        lock_one(Product.objects.all(), first.pk)


@pytest.mark.django_db
def test_a_model_outside_the_lock_order_cannot_be_locked():
    from comptoir.orders.models import OrderEvent

    with pytest.raises(LockOrderError, match="no place"), transaction.atomic():
        lock(OrderEvent.objects.all())


@pytest.mark.django_db
def test_locks_are_taken_inside_a_transaction_only():
    with pytest.raises(LockOrderError, match="inside a transaction"):
        lock(Order.objects.all())


@pytest.mark.django_db
def test_cancelling_a_paid_invoiced_order_locks_invoice_before_stock():
    """Cancelling credits the invoice (order, invoice) before putting the stock back (products);
    the run-time check would refuse the other way round."""
    order, invoice = make_invoiced_order(payment_method="cheque")
    record_payment(invoice, method=Payment.Method.CHEQUE)
    change_order_status(order, to=Order.Status.CANCELLED, actor=None)
    invoice.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert invoice.status == Invoice.Status.CANCELLED


# --- PostgreSQL: the paths that meet on one order ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_payment_webhook_and_status_change_together_never_deadlock(paypal_simulator):  # noqa: F811
    """20 rounds: the merchant records a cheque, PayPal's capture webhook arrives and the merchant
    changes the status, all at the same instant on the same order. Each either happens or is
    refused with a DomainError; none waits for another forever (PostgreSQL would abort one with
    a deadlock error, which would be in ``errors``)."""
    enable_paypal()
    for _round in range(20):
        order, invoice = make_invoiced_order(status="new")
        checkout = start_checkout(invoice, return_url="http://shop.test/r/",
                                  cancel_url="http://shop.test/c/", language="fr")
        paypal_simulator.approve(checkout.paypal_order_id)
        answer = paypal.PayPalClient().capture_order(checkout.paypal_order_id, request_id="elsewhere")
        capture = answer["purchase_units"][0]["payments"]["captures"][0]
        event = make_event("PAYMENT.CAPTURE.COMPLETED", capture)
        headers = paypal_simulator.sign_event(event)

        def pay(invoice=invoice):
            fresh = Invoice.objects.get(pk=invoice.pk)
            return record_payment(fresh, method=Payment.Method.CHEQUE, amount=Decimal("10.00"))

        def webhook(event=event, headers=headers):
            answer = Client().post("/paiements/paypal/webhook/", data=json.dumps(event),
                                   content_type="application/json", headers=headers).status_code
            process_stored_webhooks()  # its task, at once: it races the other two
            return answer

        def status(order=order):
            return change_order_status(Order.objects.get(pk=order.pk), to=Order.Status.AWAITING_PAYMENT,
                                       actor=None)

        actions = [pay, webhook, status]
        results, errors = split_outcomes(run_together(3, lambda index, actions=actions: actions[index]()))

        assert all(isinstance(error, DomainError) for error in errors), errors
        assert 200 in results
        # Each event's task processed it the first time (a deadlock would leave it to retry).
        assert list(WebhookEvent.objects.filter(processed_at__isnull=True).values_list(
            "last_error", flat=True)) == []
        invoice.refresh_from_db()
        assert invoice.paid_amount == paid_total(invoice)
        assert invoice.paid_amount in (Decimal("10.00"), invoice.total_amount,
                                       invoice.total_amount + Decimal("10.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refund_webhook_payment_and_cancellation_together_never_deadlock(paypal_simulator):  # noqa: F811
    """The refund path starts from the PayPal attempt, then takes the order and the invoice like
    every other path (it used to lock the invoice before the order): 20 rounds of a full refund
    notification, a cheque and a cancellation on the same paid order at the same instant."""
    enable_paypal()
    for _round in range(20):
        order, invoice = make_invoiced_order(status="new")
        checkout = start_checkout(invoice, return_url="http://shop.test/r/",
                                  cancel_url="http://shop.test/c/", language="fr")
        paypal_simulator.approve(checkout.paypal_order_id)
        answer = paypal.PayPalClient().capture_order(checkout.paypal_order_id, request_id="elsewhere")
        capture = answer["purchase_units"][0]["payments"]["captures"][0]
        captured = make_event("PAYMENT.CAPTURE.COMPLETED", capture)
        assert Client().post("/paiements/paypal/webhook/", data=json.dumps(captured),
                             content_type="application/json",
                             headers=paypal_simulator.sign_event(captured)).status_code == 200
        process_stored_webhooks()
        refund = make_event("PAYMENT.CAPTURE.REFUNDED", {
            "id": f"REFUND-{order.pk}", "status": "COMPLETED",
            "amount": {"currency_code": "CAD", "value": str(invoice.total_amount)},
            "invoice_id": capture["invoice_id"], "custom_id": capture["custom_id"],
            "links": [{"rel": "up", "method": "GET",
                       "href": f"{paypal_simulator.base_url}/v2/payments/captures/{capture['id']}"}],
        }, resource_type="refund")
        headers = paypal_simulator.sign_event(refund)

        def refund_webhook(refund=refund, headers=headers):
            answer = Client().post("/paiements/paypal/webhook/", data=json.dumps(refund),
                                   content_type="application/json", headers=headers).status_code
            process_stored_webhooks()  # its task, at once: it races the other two
            return answer

        def pay(invoice=invoice):
            return record_payment(Invoice.objects.get(pk=invoice.pk), method=Payment.Method.CHEQUE,
                                  amount=Decimal("10.00"))

        def cancel(order=order):
            return change_order_status(Order.objects.get(pk=order.pk), to=Order.Status.CANCELLED, actor=None)

        actions = [refund_webhook, pay, cancel]
        results, errors = split_outcomes(run_together(3, lambda index, actions=actions: actions[index]()))

        assert all(isinstance(error, DomainError) for error in errors), errors
        assert 200 in results
        # Each event's task processed it the first time (a deadlock would leave it to retry).
        assert list(WebhookEvent.objects.filter(processed_at__isnull=True).values_list(
            "last_error", flat=True)) == []
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.CANCELLED
        assert invoice.credit_notes.count() == 1
        assert invoice.paid_amount == paid_total(invoice)
