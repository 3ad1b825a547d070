"""Read queries of pages that show an order with its invoice and payments."""

from django.db.models import Prefetch

from comptoir.invoicing.models import CreditNote
from comptoir.orders.models import Order, OrderEvent


def order_detail(number: int) -> Order:
    """One order with everything its page shows (raises Order.DoesNotExist)."""
    events = OrderEvent.objects.select_related("actor").order_by("created_at", "id")
    return (
        Order.objects.select_related(
            "customer", "customer__user", "billing_address", "shipping_address", "delivery_method",
            "invoice",
        )
        .prefetch_related(
            "lines", "taxes", Prefetch("events", queryset=events),
            "invoice__lines", "invoice__taxes", "invoice__payments",
            Prefetch("invoice__credit_notes", queryset=CreditNote.objects.order_by("number")),
        )
        .get(number=number)
    )
