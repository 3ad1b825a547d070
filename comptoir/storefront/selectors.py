"""Read queries of the customer's order pages."""

import uuid

from django.db.models import QuerySet, prefetch_related_objects

from comptoir.core.prepared import PreparedQuery, attach_related
from comptoir.customers.models import Customer
from comptoir.orders.models import Order
from comptoir.orders.selectors import order_lines, order_taxes


def _order_by_token(token):
    return (Order.objects.select_related("billing_address", "shipping_address", "invoice", "customer")
            .filter(token=token))


# On PostgreSQL (which takes the UUID as it is; SQLite is given it as text).
_ORDER_BY_TOKEN = PreparedQuery(_order_by_token, token=(uuid.UUID(int=1), uuid.UUID(int=2)),
                                vendors=("postgresql",))


def order_for_customer(token) -> Order | None:
    """An order with everything its customer page shows, in a fixed number of queries (the
    order, its lines and its taxes by prepared queries)."""
    if not isinstance(token, uuid.UUID):
        try:
            token = uuid.UUID(str(token))
        except ValueError:
            return None
    found = _ORDER_BY_TOKEN(token=token)
    if not found:
        return None
    order = found[0]
    attach_related(order, "lines", order_lines(order_id=order.pk))
    attach_related(order, "taxes", order_taxes(order_id=order.pk))
    prefetch_related_objects([order], "invoices__credit_notes")
    return order


def orders_of_user(user) -> QuerySet[Order]:
    return Order.objects.filter(customer__user=user).select_related("invoice").order_by("-number")


def customer_with_addresses(user) -> Customer | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Customer.objects.select_related("billing_address", "shipping_address").filter(user=user).first()
    )
