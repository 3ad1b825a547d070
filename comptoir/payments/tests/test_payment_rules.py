"""Property: whatever amounts are tried, an invoice is never overpaid and is « Payée » exactly
when its payments cover the total."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoice
from comptoir.payments.models import Payment
from comptoir.payments.services import invoice_balance, record_payment

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=-500, max_value=15_000).map(lambda n: Decimal(n) / 100)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.one_of(cents, st.none()), min_size=1, max_size=6))
def test_payments_never_exceed_the_total(amounts):
    make_shop()
    invoice = issue_invoice(make_order([(make_product(price_amount=Decimal("100.00")), 1)],
                                       delivery_kind="pickup"))
    for amount in amounts:
        try:
            record_payment(invoice, method=Payment.Method.CASH, amount=amount)
        except DomainError:
            pass
        invoice.refresh_from_db()
        paid = sum((payment.amount for payment in invoice.payments.all()), Decimal("0.00"))
        assert Decimal("0.00") <= paid <= invoice.total_amount
        assert invoice_balance(invoice) == invoice.total_amount - paid
        assert (invoice.status == Invoice.Status.PAID) == (paid == invoice.total_amount)
        assert (invoice.paid_at is not None) == (invoice.status == Invoice.Status.PAID)
