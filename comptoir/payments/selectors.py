"""Read queries of pages that show an order with its invoice and payments."""

from django.db.models import Prefetch

from comptoir.invoicing.models import CreditNote
from comptoir.orders.models import Order, OrderEvent


def order_detail(number: int, *, invoice_documents: bool = True) -> Order:
    """One order with everything its page shows (raises Order.DoesNotExist); without
    ``invoice_documents`` (the « Commande » tab) the invoice's lines, taxes, payments and credit
    notes are not read."""
    events = OrderEvent.objects.select_related("actor").order_by("created_at", "id")
    prefetch = ["lines", "taxes", Prefetch("events", queryset=events)]
    if invoice_documents:
        prefetch += [
            "invoice__lines", "invoice__taxes", "invoice__payments",
            Prefetch("invoice__credit_notes", queryset=CreditNote.objects.order_by("number")),
        ]
    return (
        Order.objects.select_related(
            "customer", "billing_address", "shipping_address", "delivery_method",
            "invoice",
        )
        .prefetch_related(*prefetch)
        .get(number=number)
    )
