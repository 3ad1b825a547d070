"""The customers' figures of « Clients » that depend on invoices: the balance owed.

``Customer.order_count``, ``total_spent`` and ``last_order_at`` are kept by checkout and
``orders.services`` (atomic additions); the balance owed by the invoicing and payment services,
in the transaction that changes an invoice: a new invoice adds what it asks for, the other
changes (payments, refunds, credit notes) compute the balance again from the customer's invoices.
"""

from django.db.models import Case, Count, DecimalField, F, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from comptoir.core.money import ZERO
from comptoir.customers.models import Customer
from comptoir.orders.models import Order

from .models import Invoice

MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


def _balance_of_invoice(prefix: str = ""):
    """``Invoice.balance_amount`` as an SQL expression."""
    owed = F(f"{prefix}total_amount") - F(f"{prefix}credited_amount") - F(f"{prefix}paid_amount")
    return Case(When(**{f"{prefix}status": Invoice.Status.UNPAID}, then=Greatest(owed, Value(ZERO))),
                default=Value(ZERO), output_field=MONEY_SUM)


def _customer_balance():
    invoices = Invoice.objects.filter(order__customer=OuterRef("pk")).order_by().values("order__customer")
    return Coalesce(Subquery(invoices.annotate(total=Sum(_balance_of_invoice())).values("total"),
                             output_field=MONEY_SUM), Value(ZERO), output_field=MONEY_SUM)


def refresh_customer_balance(order_id: int) -> None:
    """Compute again the balance owed by the customer of an order from all their invoices, in the
    transaction that changed one of them (a payment, a refund, a credit note).

    Two statements: the first only writes the customer's row, which waits for any other
    transaction writing it to commit; the second, which reads the invoices, then starts after
    that commit (PostgreSQL gives each statement of a READ COMMITTED transaction a new snapshot)
    and sees its changes. In one statement, its snapshot could miss them."""
    customers = Customer.objects.filter(orders=order_id)
    customers.update(balance_owed=F("balance_owed"))
    customers.update(balance_owed=_customer_balance())


def rebuild_customer_figures(customers=None) -> int:
    """Compute every figure of ``customers`` (default: all) from their orders and invoices, in
    one UPDATE: after a bulk import, or to check the figures kept by the services."""
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    kept = orders.exclude(status=Order.Status.CANCELLED)
    return (customers if customers is not None else Customer.objects.all()).update(
        order_count=Coalesce(Subquery(kept.annotate(n=Count("pk")).values("n")), 0),
        total_spent=Coalesce(Subquery(kept.annotate(total=Sum("total_amount")).values("total"),
                                      output_field=MONEY_SUM), Value(ZERO), output_field=MONEY_SUM),
        last_order_at=Subquery(orders.annotate(last=Max("placed_at")).values("last")),
        balance_owed=_customer_balance(),
    )
