"""Property test: whatever the sequence of payments, refunds and corrections, the books agree.

For one order, with every invoice it had and their credit notes:
    collected = Σ payments − Σ refunds
    Σ invoices − Σ credit notes − collected = balance due − credit owed
where « balance due − credit owed » is Σ over the invoices of (balance_amount − credit_amount),
read from the invoice rows the services keep (paid_amount, credited_amount). A refund never
exceeds what was paid minus what was already refunded, and a refused action changes nothing.
The customer's figures kept on their row (« Clients ») equal those computed again from the
orders and invoices.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.errors import DomainError
from comptoir.core.money import ZERO
from comptoir.core.testing import make_product
from comptoir.customers.models import Customer
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.customer_figures import rebuild_customer_figures
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.orders.models import Order
from comptoir.payments.corrections import correct_add_line, correct_update_line
from comptoir.payments.models import Payment, Refund
from comptoir.payments.refunds import ManualReturn
from comptoir.payments.services import record_payment
from comptoir.paypal.refunds import refund_order
from comptoir.paypal.testing import make_invoiced_order

pytestmark = pytest.mark.django_db

CENTS = st.integers(min_value=1, max_value=20000).map(lambda cents: Decimal(cents) / 100)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(min_value=1, max_value=100)),  # percent of the balance
        st.tuples(st.just("refund_line"), st.integers(min_value=0, max_value=2)),
        st.tuples(st.just("refund_amount"), CENTS),
        st.tuples(st.just("refund_owed"), st.just(0)),
        st.tuples(st.just("add_line"), CENTS),
        st.tuples(st.just("change_price"), CENTS),
    ),
    min_size=1, max_size=8,
)


def books(order: Order) -> tuple:
    """Every row of money of the order, to check that a refused action changed nothing."""
    return (
        list(Invoice.objects.filter(order=order).order_by("pk").values_list(
            "pk", "status", "paid_amount", "credited_amount")),
        list(CreditNote.objects.filter(invoice__order=order).values_list("pk", "total_amount")),
        list(Payment.objects.filter(invoice__order=order).values_list("pk", "invoice", "amount")),
        list(Refund.objects.filter(invoice__order=order).values_list("pk", "amount")),
    )


def check_invariant(order: Order) -> None:
    def total(queryset, field):
        return queryset.aggregate(total=Sum(field))["total"] or ZERO

    invoices = Invoice.objects.filter(order=order)
    paid = total(Payment.objects.filter(invoice__order=order, reversed_at__isnull=True), "amount")
    refunded = total(Refund.objects.filter(invoice__order=order), "amount")
    invoiced = total(invoices, "total_amount")
    credited = -total(CreditNote.objects.filter(invoice__order=order), "total_amount")
    collected = paid - refunded
    stated = sum((invoice.balance_amount - invoice.credit_amount for invoice in invoices), ZERO)
    assert invoiced - credited - collected == stated
    assert refunded <= paid
    assert credited <= invoiced
    for invoice in invoices:
        notes = CreditNote.objects.filter(invoice=invoice)
        assert invoice.credited_amount == -total(notes, "total_amount")
        assert invoice.paid_amount == (total(invoice.payments.filter(reversed_at__isnull=True), "amount")
                                       - total(invoice.refunds.all(), "amount"))
        for tax in invoice.taxes.all():
            credited_tax = -sum((Decimal(t["amount"]) for note in notes for t in note.taxes
                                 if t["code"] == tax.code), ZERO)
            assert ZERO <= credited_tax <= tax.amount
    customers = Customer.objects.filter(pk=order.customer_id)
    kept = list(customers.values_list("order_count", "total_spent", "last_order_at", "balance_owed"))
    rebuild_customer_figures(customers)
    assert list(customers.values_list("order_count", "total_spent", "last_order_at", "balance_owed")) == kept


def apply(order: Order, operation: str, value) -> None:
    invoice = Invoice.objects.get(current_for=order)
    if operation == "pay":
        balance = invoice.balance_amount
        amount = max((balance * value / 100).quantize(Decimal("0.01")), Decimal("0.01"))
        record_payment(invoice, method="cheque", amount=min(amount, balance), actor=None)
    elif operation == "refund_line":
        lines = list(invoice.lines.order_by("pk"))
        line = lines[value % len(lines)]
        refund_order(order, CreditSelection(lines={line.pk: 1}, restock=frozenset({line.pk})), actor=None,
                     manual=ManualReturn("cash"), send_email=False)
    elif operation == "refund_amount":
        refund_order(order, CreditSelection(amount=value), actor=None, manual=ManualReturn("transfer"),
                     send_email=False)
    elif operation == "refund_owed":
        refund_order(order, CreditSelection(), actor=None, manual=ManualReturn("cash"), send_email=False)
    elif operation == "add_line":
        correct_add_line(order, product=make_product(price_amount=value, stock=5), quantity=1, actor=None)
    else:
        correct_update_line(order.lines.order_by("pk").first(), quantity=1, unit_price_amount=value,
                            actor=None)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prices=st.lists(CENTS, min_size=1, max_size=3), operations=OPERATIONS)
def test_payments_refunds_and_corrections_keep_the_books_balanced(prices, operations):
    products = [(make_product(price_amount=price, stock=5), 1) for price in prices]
    order, _invoice = make_invoiced_order(products_and_quantities=products, payment_method="cheque",
                                          delivery_kind="shipped")
    check_invariant(order)
    for operation, value in operations:
        before = books(order)
        try:
            apply(order, operation, value)
        except DomainError:
            assert books(order) == before  # refused: nothing changed
        order.refresh_from_db()
        check_invariant(order)
