"""Issued invoices are never edited: every service leaves their content identical."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db

MUTABLE_FIELDS = {"status", "paid_at", "paid_amount", "credited_amount"}  # bookkeeping, not content


def _content(invoice):
    invoice.refresh_from_db()
    fields = {k: v for k, v in model_to_dict(invoice).items() if k not in MUTABLE_FIELDS}
    lines = [model_to_dict(line) for line in invoice.lines.all()]
    taxes = [model_to_dict(tax) for tax in invoice.taxes.all()]
    return fields, lines, taxes


def test_payments_and_credit_note_change_only_status_and_paid_at():
    make_shop()
    order = make_order([(make_product(price_amount=Decimal("80.00")), 3)])
    invoice = issue_invoice(order)
    issued = _content(invoice)

    record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("10.00"))
    assert _content(invoice) == issued
    record_payment(invoice, method=Payment.Method.CHEQUE)
    assert _content(invoice) == issued
    issue_credit_note(invoice, reason="Erreur")
    assert _content(invoice) == issued


def test_order_status_changes_and_cancellation_leave_the_invoice_content_alone():
    from comptoir.core.testing import make_staff_user
    from comptoir.invoicing.services import change_order_status

    make_shop()
    staff = make_staff_user()
    order = make_order([(make_product(price_amount=Decimal("80.00")), 1)])
    invoice = issue_invoice(order)
    issued = _content(invoice)

    change_order_status(order, to="awaiting_payment", actor=staff)
    assert _content(invoice) == issued
    change_order_status(order, to="cancelled", actor=staff)
    assert _content(invoice) == issued
    assert invoice.status == "cancelled"
    assert invoice.credit_notes.count() == 1
