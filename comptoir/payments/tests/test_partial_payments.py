"""Payments of any amount: partial payments, French amounts, overpayment, reversal."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from comptoir.core.errors import DomainError
from comptoir.core.forms import MoneyField
from comptoir.core.money import AmountError, parse_amount
from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import change_order_status, issue_invoice
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import paid_total, record_payment, reverse_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    """$100 picked up in Québec: 114,98 $."""
    make_shop()
    product = make_product(price_amount=Decimal("100.00"))
    return issue_invoice(make_order([(product, 1)], delivery_kind="pickup"))


def _state(invoice):
    invoice.refresh_from_db()
    order = Order.objects.get(pk=invoice.order_id)
    return (invoice.status, invoice.paid_at, invoice.paid_amount, order.invoice_paid, order.status,
            list(Payment.objects.values_list("pk", "amount", "reversed_at")), order.events.count())


# --- Amounts typed in the back-office ---------------------------------------------------------


@pytest.mark.parametrize(("typed", "amount"), [
    ("16,95", "16.95"), ("16.95", "16.95"), ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"),
    ("1\u202f234,50", "1234.50"), ("1,234.50", "1234.50"), ("1.234,50", "1234.50"), ("57", "57"),
    ("16,9", "16.9"), ("16,95 $", "16.95"), ("$1,234.50", "1234.50"), ("12 345 678,90", "12345678.90"),
])
def test_french_and_english_amounts_are_read(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(("typed", "code"), [
    ("1,234", "ambiguous"), ("1.234", "ambiguous"), ("dix", "invalid"), ("", "invalid"),
    ("12,34,56", "invalid"), ("1e5", "invalid"), ("1 23,45", "invalid"), (",50", "invalid"),
    ("1,234,5", "invalid"), ("NaN", "invalid"),
])
def test_garbage_and_ambiguous_amounts_are_refused(typed, code):
    with pytest.raises(AmountError) as error:
        parse_amount(typed)
    assert error.value.code == code


def test_the_money_field_explains_a_refusal_in_french():
    field = MoneyField(min_value=Decimal("0.01"))
    with translation.override("fr"):
        assert field.clean("1 234,50") == Decimal("1234.50")
        with pytest.raises(Exception) as error:
            field.clean("1,234")
        assert "« 1,234 » peut se lire de deux façons" in str(error.value)
        with pytest.raises(Exception) as error:
            field.clean("16,955 $")
        assert "16,955" in str(error.value)


# --- Partial payments -------------------------------------------------------------------------


def test_two_partial_payments_pay_the_invoice(invoice):
    first = record_payment(invoice, method=Payment.Method.CHEQUE, amount=parse_amount("57,49"),
                           reference="Chèque nº 101", received_on=datetime.date(2026, 11, 2))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.balance_amount) == (
        Invoice.Status.UNPAID, Decimal("57.49"), Decimal("57.49"))
    assert not Order.objects.get(pk=invoice.order_id).invoice_paid
    assert (first.reference, first.received_on) == ("Chèque nº 101", datetime.date(2026, 11, 2))

    record_payment(invoice, method=Payment.Method.CHEQUE, amount=None, reference="Chèque nº 102")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.balance_amount) == (
        Invoice.Status.PAID, Decimal("114.98"), Decimal("0.00"))
    assert Order.objects.get(pk=invoice.order_id).invoice_paid
    assert invoice.paid_amount == paid_total(invoice)
    events = OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).order_by("pk")
    assert [(e.data["amount"], e.data["paid"], e.data["balance"]) for e in events] == [
        ("57.49", False, "57.49"), ("57.49", True, "0.00")]


def test_the_shop_terminal_and_no_method_are_methods(invoice):
    payment = record_payment(invoice, method=Payment.Method.TERMINAL, amount=Decimal("14.98"),
                             reference="AUTH 0042")
    assert payment.method == "terminal"
    record_payment(invoice, method="", amount=None)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@pytest.mark.parametrize("received_on", ["tomorrow", "2026-01-01"])
def test_a_date_in_the_future_or_not_a_date_is_refused_and_changes_nothing(invoice, received_on):
    if received_on == "tomorrow":  # taken when the test runs, not when the suite is collected
        received_on = timezone.localdate() + datetime.timedelta(days=1)
    before = _state(invoice)
    with pytest.raises(DomainError):
        record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("1.00"), received_on=received_on)
    assert _state(invoice) == before


# --- Overpayment ------------------------------------------------------------------------------


def test_an_overpayment_is_refused_unless_confirmed(invoice):
    record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("100.00"))
    before = _state(invoice)
    with translation.override("fr"), pytest.raises(DomainError) as error:
        record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("19.98"))
    assert "confirmez le trop-perçu" in str(error.value) and "14,98" in str(error.value)
    assert _state(invoice) == before

    record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("19.98"), confirm_overpayment=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.balance_amount, invoice.credit_amount) == (
        Invoice.Status.PAID, Decimal("119.98"), Decimal("0.00"), Decimal("5.00"))
    event = OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).latest("pk")
    assert event.data["credit"] == "5.00"


def test_a_paid_invoice_takes_more_money_only_when_confirmed(invoice):
    record_payment(invoice, method=Payment.Method.CASH)
    before = _state(invoice)
    with pytest.raises(DomainError):
        record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("5.00"))
    assert _state(invoice) == before


# --- Reversal ---------------------------------------------------------------------------------


def test_a_returned_cheque_makes_a_completed_order_wait_for_its_payment_again(invoice):
    order = invoice.order
    first = record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("57.49"))
    record_payment(invoice, method=Payment.Method.CHEQUE, amount=None)
    change_order_status(order, to=Order.Status.COMPLETED, actor=None)

    reverse_payment(first, reason="Chèque sans provision", actor=None)

    invoice.refresh_from_db()
    order.refresh_from_db()
    first.refresh_from_db()
    assert (invoice.status, invoice.paid_at, invoice.paid_amount, invoice.balance_amount) == (
        Invoice.Status.UNPAID, None, Decimal("57.49"), Decimal("57.49"))
    assert (order.status, order.invoice_paid) == (Order.Status.AWAITING_PAYMENT, False)
    assert (first.reversal_reason, first.amount) == ("Chèque sans provision", Decimal("57.49"))
    assert first.reversed_at is not None and Payment.objects.count() == 2  # history kept
    reversal = order.events.get(kind=OrderEvent.Kind.PAYMENT_REVERSED)
    assert (reversal.data["reason"], reversal.data["amount"]) == ("Chèque sans provision", "57.49")
    status = order.events.filter(kind=OrderEvent.Kind.STATUS_CHANGED).latest("pk")
    assert (status.data["old"], status.data["new"], status.data["reason"]) == (
        "completed", "awaiting_payment", "Chèque sans provision")


def test_reversing_a_partial_payment_leaves_the_order_status(invoice):
    payment = record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("10.00"))
    reverse_payment(payment, reason="Chèque retourné", actor=None)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (Invoice.Status.UNPAID, Decimal("0.00"))
    assert Order.objects.get(pk=invoice.order_id).status == Order.Status.NEW


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_reversal_needs_a_reason_and_a_refusal_changes_nothing(invoice, reason):
    payment = record_payment(invoice, method=Payment.Method.CHEQUE)
    before = _state(invoice)
    with pytest.raises(DomainError):
        reverse_payment(payment, reason=reason, actor=None)
    assert _state(invoice) == before


def test_a_payment_is_reversed_once_and_paypal_is_refunded_instead(invoice):
    payment = record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("10.00"))
    reverse_payment(payment, reason="Chèque retourné", actor=None)
    before = _state(invoice)
    with pytest.raises(DomainError):
        reverse_payment(payment, reason="Encore", actor=None)
    paypal = record_payment(invoice, method=Payment.Method.PAYPAL, provider_reference="CAPTURE-1")
    before = _state(invoice)
    with pytest.raises(DomainError):
        reverse_payment(paypal, reason="Non", actor=None)
    assert _state(invoice) == before
