"""Real concurrency on PostgreSQL: gap-free invoice numbers under simultaneous issuing."""

import threading

import pytest
from django.db import close_old_connections, connection, connections

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.orders.models import Order, OrderEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(function, arguments):
    """Call ``function`` once per argument, each in its own thread and connection, all at once."""
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []

    def worker(argument):
        try:
            barrier.wait()
            results.append(function(argument))
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return results, errors


def test_32_invoices_issued_at_once_get_32_consecutive_numbers():
    make_shop()
    orders = [make_order() for _ in range(32)]

    invoices, errors = run_together(issue_invoice, orders)

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 32
    assert numbers == list(range(numbers[0], numbers[0] + 32))
    assert sorted(invoice.number for invoice in invoices) == numbers


def test_same_order_invoiced_by_ten_threads_gets_one_invoice():
    make_shop()
    order = make_order()

    invoices, errors = run_together(lambda _: issue_invoice(Order.objects.get(pk=order.pk)), range(10))

    assert len(invoices) == 1
    assert len(errors) == 9
    assert all(isinstance(error, DomainError) for error in errors)
    assert Invoice.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.INVOICE_ISSUED).count() == 1


def test_same_invoice_credited_by_ten_threads_gets_one_credit_note():
    make_shop()
    invoice = issue_invoice(make_order())

    notes, errors = run_together(lambda _: issue_credit_note(Invoice.objects.get(pk=invoice.pk)), range(10))

    assert len(notes) == 1
    assert all(isinstance(error, DomainError) for error in errors)
    assert invoice.credit_notes.count() == 1
