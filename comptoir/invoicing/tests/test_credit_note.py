from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    make_shop()
    order = make_order([(make_product(price_amount=Decimal("100.00")), 2)])
    return issue_invoice(order)


def test_credit_note_reverses_the_whole_invoice(invoice):
    staff = make_staff_user()
    credit_note = issue_credit_note(invoice, actor=staff, reason="Commande annulée par le client")

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert credit_note.invoice == invoice
    assert credit_note.reference == f"NC-{credit_note.number:06d}"
    assert credit_note.reason == "Commande annulée par le client"
    assert credit_note.issued_by == staff
    assert credit_note.subtotal_amount == -invoice.subtotal_amount
    assert credit_note.shipping_amount == -invoice.shipping_amount
    assert credit_note.insurance_amount == -invoice.insurance_amount
    assert credit_note.tax_total == -invoice.tax_total
    assert credit_note.total_amount == -invoice.total_amount == Decimal("-229.95")
    assert credit_note.taxes == [
        {"code": "GST", "rate": "5", "amount": "-10.00"},
        {"code": "QST", "rate": "9.975", "amount": "-19.95"},
    ]
    event = OrderEvent.objects.get(kind=OrderEvent.Kind.CREDIT_NOTE_ISSUED)
    assert event.order_id == invoice.order_id
    assert event.actor == staff
    assert event.data["credit_note"] == credit_note.reference
    assert event.data["invoice"] == invoice.reference


def test_credit_notes_have_their_own_consecutive_numbers():
    make_shop()
    invoices = [issue_invoice(make_order()) for _ in range(3)]
    numbers = [issue_credit_note(invoice).number for invoice in invoices]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_paid_invoice_can_be_credited_and_keeps_its_payments(invoice):
    record_payment(invoice, method=Payment.Method.CHEQUE)
    issue_credit_note(invoice)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert invoice.paid_at is not None
    assert invoice.payments.count() == 1


def test_second_credit_note_is_refused_and_changes_nothing(invoice):
    issue_credit_note(invoice)
    before = (CreditNote.objects.count(), OrderEvent.objects.count())
    with translation.override("fr"), pytest.raises(DomainError) as error:
        issue_credit_note(invoice)
    assert str(error.value) == f"La facture {invoice.reference} est déjà annulée par une note de crédit."
    assert (CreditNote.objects.count(), OrderEvent.objects.count()) == before


def test_too_long_reason_is_refused_and_changes_nothing(invoice):
    with pytest.raises(DomainError):
        issue_credit_note(invoice, reason="x" * 301)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID
    assert not CreditNote.objects.exists()
