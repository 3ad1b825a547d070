"""Refunds under real concurrency on PostgreSQL: one credit note per line, no deadlock, never
more refunded than paid."""

from decimal import Decimal

import pytest
from django.db import OperationalError

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_product, run_together, split_outcomes
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.orders.models import Order
from comptoir.payments.models import Payment, Refund
from comptoir.payments.refunds import ManualReturn, order_balances
from comptoir.payments.services import record_payment
from comptoir.paypal import client as paypal
from comptoir.paypal.refunds import refund_order
from comptoir.paypal.services import start_checkout
from comptoir.paypal.simulator import make_event
from comptoir.paypal.testing import enable_paypal, make_invoiced_order, make_paypal_paid_order
from comptoir.paypal.webhooks import process_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_refunds_of_the_same_line_give_one_credit_note(paypal_simulator):
    products = [make_product(price_amount=Decimal(p), stock=5) for p in ("10.00", "20.00", "30.00")]
    order, invoice = make_paypal_paid_order(paypal_simulator, [(p, 1) for p in products],
                                            delivery_kind="pickup")
    line = invoice.lines.get(sku=products[1].sku)

    def refund(_index):
        fresh = Order.objects.get(pk=order.pk)
        return refund_order(fresh, CreditSelection(lines={line.pk: 1}, restock=frozenset({line.pk})),
                            actor=None, send_email=False)

    results, errors = split_outcomes(run_together(10, refund))

    assert len(results) == 1
    assert len(errors) == 9 and all(isinstance(error, DomainError) for error in errors), errors
    assert CreditNote.objects.count() == 1
    assert [r.amount for r in Refund.objects.all()] == [Decimal("23.00")]
    products[1].refresh_from_db()
    assert products[1].stock == 6


def _race_once(simulator) -> list:
    """Half paid by cheque; then at once: a refund of one of the two lines, the shop terminal
    paying the balance, and PayPal's webhook for a capture of that same balance."""
    products = [make_product(price_amount=Decimal("50.00"), stock=5) for _ in range(2)]
    order, invoice = make_invoiced_order(products_and_quantities=[(p, 1) for p in products],
                                         delivery_kind="pickup")
    record_payment(invoice, method="cheque", amount=Decimal("57.49"), actor=None, reference="1")
    checkout = start_checkout(invoice, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language="fr")
    simulator.approve(checkout.paypal_order_id)
    captured = paypal.PayPalClient().capture_order(checkout.paypal_order_id, request_id=f"race-{order.pk}")
    capture = captured["purchase_units"][0]["payments"]["captures"][0]
    line = invoice.lines.first()

    def work(index):
        fresh = Order.objects.get(pk=order.pk)
        if index == 0:
            return refund_order(fresh, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False,
                                manual=ManualReturn("cash"))
        if index == 1:
            return record_payment(Invoice.objects.get(pk=invoice.pk), method="terminal", actor=None)
        return process_event(make_event("PAYMENT.CAPTURE.COMPLETED", capture))

    return order, run_together(3, work)


def test_a_refund_racing_a_payment_and_a_webhook_never_deadlocks_nor_overrefunds(paypal_simulator):
    enable_paypal()
    for _run in range(20):
        order, outcomes = _race_once(paypal_simulator)
        _results, errors = split_outcomes(outcomes)
        assert not [e for e in errors if isinstance(e, OperationalError)], errors
        assert all(isinstance(e, DomainError) for e in errors), errors
        balances = order_balances(order)
        paid = sum(p.amount for p in Payment.objects.filter(invoice__order=order))
        refunded = sum(r.amount for r in Refund.objects.filter(invoice__order=order))
        assert refunded <= paid
        assert balances.collected_total == paid - refunded
        # Whatever the order of arrival, nothing is left silently owed: either the books are
        # even, or money that arrived after the credit note (PayPal had already captured it) is
        # shown on the invoice as a credit to refund.
        credit_shown = sum((i.credit_amount for i in Invoice.objects.filter(order=order)), Decimal("0"))
        assert balances.owed_total == -credit_shown, (paid, refunded, balances)
        assert balances.owed_total in (Decimal("0.00"), Decimal("-57.49"))
        assert refunded in (Decimal("0"), Decimal("57.49"))
