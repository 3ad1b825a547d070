"""« Rembourser »: credit notes with their own taxes, stock back, money back through PayPal."""

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.catalog.models import StockMovement
from comptoir.core.testing import make_product
from comptoir.invoicing.credit_notes import CreditError, CreditSelection
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.notifications.models import Notification
from comptoir.payments.models import Payment, Refund
from comptoir.payments.refunds import ManualReturn, RefundError, order_balances
from comptoir.paypal import client as paypal
from comptoir.paypal.refunds import check_refund, refund_order, retry_pending_refunds, send_refund
from comptoir.paypal.testing import make_invoiced_order, make_paypal_paid_order

pytestmark = pytest.mark.django_db


def three_line_order(simulator, **kwargs):
    products = [make_product(price_amount=Decimal(price), stock=5) for price in ("10.00", "20.00", "30.00")]
    order, invoice = make_paypal_paid_order(
        simulator, [(p, 1) for p in products], delivery_kind="pickup", **kwargs
    )
    return order, invoice, products


def line_of(invoice, product):
    return invoice.lines.get(sku=product.sku)


def test_refund_of_one_line_with_restock(paypal_simulator, django_capture_on_commit_callbacks):
    order, invoice, products = three_line_order(paypal_simulator)
    assert invoice.total_amount == Decimal("68.99")  # 60 + 3.00 GST + 5.99 QST
    line = line_of(invoice, products[1])

    with django_capture_on_commit_callbacks(execute=True):
        note, [refund] = refund_order(
            order,
            CreditSelection(lines={line.pk: 1}, restock=frozenset({line.pk})),
            actor=None,
            reason="Arrivé brisé",
        )
    # Taxes of the credited 20.00, computed by the tax module: 1.00 GST, 1.995 → 2.00 QST.
    assert (note.subtotal_amount, note.tax_total, note.total_amount) == (
        Decimal("-20.00"),
        Decimal("-3.00"),
        Decimal("-23.00"),
    )
    assert note.taxes == [
        {"code": "GST", "rate": "5", "amount": "-1.00"},
        {"code": "QST", "rate": "9.975", "amount": "-2.00"},
    ]
    assert [(nl.sku, nl.quantity, nl.amount, nl.restocked) for nl in note.lines.all()] == [
        (products[1].sku, 1, Decimal("-20.00"), True)
    ]
    products[1].refresh_from_db()
    assert products[1].stock == 6
    assert StockMovement.objects.get(product=products[1], reason="return").change == 1

    refund.refresh_from_db()
    assert (refund.method, refund.amount, refund.status) == ("paypal", Decimal("23.00"), "pending")
    assert send_refund(refund) == Refund.Status.COMPLETED
    refund.refresh_from_db()
    capture_id = Payment.objects.get(invoice=invoice).provider_reference
    [at_paypal] = paypal_simulator.refunds_of(capture_id)
    assert (at_paypal["id"], at_paypal["amount"]["value"], at_paypal["status"]) == (
        refund.provider_reference,
        "23.00",
        "COMPLETED",
    )
    # Sending again (a retried task) refunds nothing more.
    refund.status = Refund.Status.PENDING
    send_refund(refund)
    assert len(paypal_simulator.refunds_of(capture_id)) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Notification.objects.filter(template="credit_note", recipient=order.email).count() == 1
    balances = order_balances(order)
    assert (balances.invoiced_total, balances.collected_total, balances.owed_total) == (
        Decimal("45.99"),
        Decimal("45.99"),
        Decimal("0.00"),
    )


def test_the_same_line_cannot_be_credited_twice(paypal_simulator):
    order, invoice, products = three_line_order(paypal_simulator)
    line = line_of(invoice, products[0])
    refund_order(order, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False)
    counts = (CreditNote.objects.count(), Refund.objects.count(), order.events.count())
    with pytest.raises(CreditError):
        refund_order(order, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False)
    assert (CreditNote.objects.count(), Refund.objects.count(), order.events.count()) == counts


def test_whole_order_refund_cancels_the_invoice_and_takes_exactly_its_taxes(paypal_simulator):
    order, invoice, products = three_line_order(paypal_simulator)
    first = line_of(invoice, products[0])
    refund_order(order, CreditSelection(lines={first.pk: 1}), actor=None, send_email=False)
    rest = {line_of(invoice, p).pk: 1 for p in products[1:]}
    note, [refund] = refund_order(order, CreditSelection(lines=rest), actor=None, send_email=False)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    notes = CreditNote.objects.filter(invoice=invoice)
    assert sum(n.total_amount for n in notes) == -invoice.total_amount
    assert sum(r.amount for r in Refund.objects.all()) == invoice.total_amount
    for tax in invoice.taxes.all():
        assert (
            sum(Decimal(t["amount"]) for n in notes for t in n.taxes if t["code"] == tax.code) == -tax.amount
        )


def test_paypal_failure_keeps_the_refund_pending_then_the_periodic_pass_sends_it(paypal_simulator):
    order, invoice, products = three_line_order(paypal_simulator)
    paypal_simulator.set_mode("fail")
    _note, [refund] = refund_order(
        order, CreditSelection(lines={line_of(invoice, products[2]).pk: 1}), actor=None, send_email=False
    )
    assert send_refund(refund) == Refund.Status.PENDING
    refund.refresh_from_db()
    assert refund.status == "pending" and refund.attempts == 1 and "500" in refund.last_error
    paypal_simulator.set_mode("normal")
    assert retry_pending_refunds(older_than=timedelta(0)) == {"completed": 1}
    refund.refresh_from_db()
    assert refund.status == "completed"


def test_pending_at_paypal_then_completed(paypal_simulator):
    order, invoice, products = three_line_order(paypal_simulator)
    paypal_simulator.set_mode("refund_pending")
    _note, [refund] = refund_order(
        order, CreditSelection(lines={line_of(invoice, products[2]).pk: 1}), actor=None, send_email=False
    )
    assert send_refund(refund) == "pending"
    refund.refresh_from_db()
    paypal_simulator.complete_refund(refund.provider_reference)
    assert check_refund(refund) == "completed"


def test_refused_by_paypal_is_failed_and_visible(paypal_simulator):
    order, invoice, products = three_line_order(paypal_simulator)
    paypal_simulator.set_mode("refund_fail")
    _note, [refund] = refund_order(
        order, CreditSelection(lines={line_of(invoice, products[2]).pk: 1}), actor=None, send_email=False
    )
    assert send_refund(refund) == "failed"
    assert order.events.filter(data__status="failed", data__refund=str(refund.request_id)).exists()


def test_cheque_paid_order_needs_how_the_money_went_back(settings):
    order, invoice = make_invoiced_order(payment_method="cheque", delivery_kind="pickup")
    from comptoir.payments.services import record_payment

    record_payment(invoice, method="cheque", actor=None, reference="512")
    line = invoice.lines.get()
    with pytest.raises(RefundError):
        refund_order(order, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False)
    assert not CreditNote.objects.exists()
    _note, [refund] = refund_order(
        order,
        CreditSelection(lines={line.pk: 1}),
        actor=None,
        send_email=False,
        manual=ManualReturn(method="cheque", reference="Chèque 88"),
    )
    assert (refund.method, refund.amount, refund.status, refund.reference) == (
        "cheque",
        Decimal("114.98"),
        "completed",
        "Chèque 88",
    )


def test_unpaid_invoice_credit_lowers_the_balance_and_refunds_nothing():
    order, invoice = make_invoiced_order(payment_method="cheque", delivery_kind="pickup")
    note, refunds = refund_order(
        order, CreditSelection(amount=Decimal("10.00")), actor=None, send_email=False
    )
    assert refunds == []
    assert note.total_amount == Decimal("-11.50")  # 10.00 + 0.50 GST + 0.9975 → 1.00 QST
    assert order_balances(order).owed_total == Decimal("103.48")


def test_cancelling_after_a_restocked_refund_does_not_restock_twice(paypal_simulator):
    from comptoir.invoicing.services import change_order_status

    order, invoice, products = three_line_order(paypal_simulator)
    line = line_of(invoice, products[0])
    refund_order(order, CreditSelection(lines={line.pk: 1}, restock=frozenset({line.pk})), actor=None,
                 send_email=False)
    change_order_status(order, to="cancelled", actor=None)
    stocks = []
    for product in products:
        product.refresh_from_db()
        stocks.append(product.stock)
    # make_order takes no stock: each product is back by exactly the quantity sold (1).
    assert stocks == [6, 6, 6]


def test_the_refund_webhook_completes_a_pending_refund_once(client, paypal_simulator):
    import json

    from comptoir.paypal.simulator import make_event
    from comptoir.paypal.testing import process_stored_webhooks

    order, invoice, products = three_line_order(paypal_simulator)
    paypal_simulator.set_mode("refund_pending")
    _note, [refund] = refund_order(order, CreditSelection(lines={line_of(invoice, products[2]).pk: 1}),
                                   actor=None, send_email=False)
    send_refund(refund)
    refund.refresh_from_db()
    paypal_simulator.complete_refund(refund.provider_reference)
    resource = paypal.PayPalClient().get_refund(refund.provider_reference)
    event = make_event("PAYMENT.CAPTURE.REFUNDED", {
        "id": resource.id, "status": "COMPLETED", "custom_id": str(refund.request_id),
        "amount": {"value": "34.49", "currency_code": "CAD"}})
    for _delivery in range(2):
        answer = client.post("/paiements/paypal/webhook/", data=json.dumps(event),
                             content_type="application/json", headers=paypal_simulator.sign_event(event))
        assert answer.status_code == 200
        process_stored_webhooks()
    refund.refresh_from_db()
    assert refund.status == "completed"
    assert Payment.objects.filter(invoice__order=order, amount__lt=0).count() == 0  # no second record
    assert order.events.filter(data__status="completed", data__refund=str(refund.request_id)).count() == 1
