"""Real concurrency on PostgreSQL: gap-free invoice numbers under simultaneous issuing."""


import pytest

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_shop, run_together, split_outcomes
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.orders.models import Order, OrderEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def call_together(function, arguments):
    """Call ``function`` once per argument, each in its own thread and connection, all at once."""
    arguments = list(arguments)
    return split_outcomes(run_together(len(arguments), lambda index: function(arguments[index])))


def test_32_invoices_issued_at_once_get_32_consecutive_numbers():
    make_shop()
    orders = [make_order() for _ in range(32)]

    invoices, errors = call_together(issue_invoice, orders)

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 32
    assert numbers == list(range(numbers[0], numbers[0] + 32))
    assert sorted(invoice.number for invoice in invoices) == numbers


def test_same_order_invoiced_by_ten_threads_gets_one_invoice():
    make_shop()
    order = make_order()

    invoices, errors = call_together(lambda _: issue_invoice(Order.objects.get(pk=order.pk)), range(10))

    assert len(invoices) == 1
    assert len(errors) == 9
    assert all(isinstance(error, DomainError) for error in errors)
    assert Invoice.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.INVOICE_ISSUED).count() == 1


def test_same_invoice_credited_by_ten_threads_gets_one_credit_note():
    make_shop()
    invoice = issue_invoice(make_order())

    notes, errors = call_together(lambda _: issue_credit_note(Invoice.objects.get(pk=invoice.pk)), range(10))

    assert len(notes) == 1
    assert all(isinstance(error, DomainError) for error in errors)
    assert invoice.credit_notes.count() == 1
