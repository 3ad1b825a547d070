"""Correcting an invoiced order: credit note + new invoice; the balance is the difference."""

from decimal import Decimal

import pytest

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_product
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.orders.models import Order
from comptoir.payments.corrections import correct_add_line, correct_remove_line, correct_update_line
from comptoir.payments.refunds import ManualReturn, order_balances
from comptoir.payments.services import invoice_balance, record_payment
from comptoir.paypal.refunds import refund_order
from comptoir.paypal.testing import make_invoiced_order

pytestmark = pytest.mark.django_db


def paid_order():
    order, invoice = make_invoiced_order(payment_method="cheque", delivery_kind="pickup")
    record_payment(invoice, method="cheque", actor=None, reference="512")
    return order, invoice


def test_adding_a_line_credits_the_old_invoice_and_bills_the_difference():
    order, old = paid_order()
    extra = make_product(price_amount=Decimal("10.00"), stock=3)
    new = correct_add_line(order, product=extra, quantity=1, actor=None)
    old.refresh_from_db()
    assert old.status == Invoice.Status.CANCELLED and old.current_for_id is None
    note = CreditNote.objects.get(invoice=old)
    assert note.total_amount == -old.total_amount
    assert new.total_amount == Decimal("126.47")  # 110 + 5.50 GST + 10.97 QST
    assert Order.objects.get(pk=order.pk).invoice == new
    assert list(order.invoices.order_by("number")) == [old, new]
    assert new.status == Invoice.Status.UNPAID
    assert invoice_balance(new) == Decimal("11.49")  # 126.47 − 114.98 paid
    assert order_balances(order).owed_total == Decimal("11.49")
    extra.refresh_from_db()
    assert extra.stock == 2


def test_lowering_a_price_leaves_an_amount_to_refund():
    order, old = paid_order()
    line = order.lines.get()
    new = correct_update_line(line, quantity=1, unit_price_amount=Decimal("80.00"), actor=None)
    assert new.total_amount == Decimal("91.98")
    assert new.status == Invoice.Status.PAID
    assert order_balances(order).owed_total == Decimal("-23.00")


def test_removing_the_last_line_is_refused_and_changes_nothing():
    order, old = paid_order()
    with pytest.raises(DomainError):
        correct_remove_line(order.lines.get(), actor=None)
    old.refresh_from_db()
    assert old.status == Invoice.Status.PAID and not CreditNote.objects.exists()
    assert Invoice.objects.count() == 1


def test_an_invoice_with_a_partial_credit_note_is_not_reissued():
    order, old = paid_order()
    refund_order(order, CreditSelection(amount=Decimal("5.00")), actor=None, send_email=False,
                 manual=ManualReturn("cash"))
    with pytest.raises(DomainError):
        correct_add_line(order, product=make_product(), quantity=1, actor=None)
    assert Invoice.objects.count() == 1 and CreditNote.objects.count() == 1


def test_a_fully_refunded_invoice_is_not_reissued_with_its_returned_lines():
    order, old = paid_order()
    refund_order(order, CreditSelection(lines={old.lines.get().pk: 1}), actor=None, send_email=False,
                 manual=ManualReturn("cash"))
    old.refresh_from_db()
    assert old.status == Invoice.Status.CANCELLED
    with pytest.raises(DomainError):
        correct_add_line(order, product=make_product(), quantity=1, actor=None)
    assert Invoice.objects.count() == 1 and CreditNote.objects.count() == 1
