"""Real concurrency on PostgreSQL: repeated provider notifications and competing payments."""

from decimal import Decimal

import pytest

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product, make_shop, run_together, split_outcomes
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invoice():
    make_shop()
    product = make_product(price_amount=Decimal("100.00"))
    return issue_invoice(make_order([(product, 1)], delivery_kind="pickup"))


def call_together(function, count):
    return split_outcomes(run_together(count, lambda _index: function()))


def test_ten_threads_with_the_same_provider_reference_record_one_payment(invoice):
    def pay():
        fresh = Invoice.objects.get(pk=invoice.pk)
        return record_payment(fresh, method=Payment.Method.PAYPAL, provider_reference="CAPTURE-XYZ")

    payments, errors = call_together(pay, 10)

    assert errors == []
    assert len({payment.pk for payment in payments}) == 1
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).count() == 1


def test_competing_full_payments_record_only_one(invoice):
    def pay():
        return record_payment(Invoice.objects.get(pk=invoice.pk), method=Payment.Method.CASH)

    payments, errors = call_together(pay, 10)

    assert len(payments) == 1
    assert len(errors) == 9 and all(isinstance(error, DomainError) for error in errors)
    assert Payment.objects.get().amount == invoice.total_amount


def test_payment_and_cancellation_at_once_never_deadlock():
    """The back-office and PayPal lock the order, then the invoice; so do these services."""
    from django.db import transaction

    from comptoir.invoicing.services import issue_credit_note
    from comptoir.orders.models import Order

    make_shop()
    for _ in range(5):
        invoice = issue_invoice(make_order([(make_product(price_amount=Decimal("10.00")), 1)]))

        def cancel(invoice=invoice):
            with transaction.atomic():
                Order.objects.select_for_update().get(pk=invoice.order_id)
                return issue_credit_note(Invoice.objects.get(pk=invoice.pk))

        def pay(invoice=invoice):
            return record_payment(Invoice.objects.get(pk=invoice.pk), method=Payment.Method.CASH)

        calls = iter([cancel, pay])
        _results, errors = call_together(lambda calls=calls: next(calls)(), 2)

        assert all(isinstance(error, DomainError) for error in errors), errors
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.CANCELLED
        assert invoice.credit_notes.count() == 1
