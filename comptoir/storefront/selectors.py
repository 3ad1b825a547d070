"""Read queries of the customer's order pages."""

from django.db.models import QuerySet

from comptoir.customers.models import Customer
from comptoir.orders.models import Order


def order_for_customer(token) -> Order | None:
    """An order with everything its customer page shows, in a fixed number of queries."""
    return (
        Order.objects.select_related("billing_address", "shipping_address", "invoice", "customer")
        .prefetch_related("lines", "taxes", "invoices__credit_notes")
        .filter(token=token)
        .first()
    )


def orders_of_user(user) -> QuerySet[Order]:
    return Order.objects.filter(customer__user=user).select_related("invoice").order_by("-number")


def customer_with_addresses(user) -> Customer | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Customer.objects.select_related("billing_address", "shipping_address").filter(user=user).first()
    )
