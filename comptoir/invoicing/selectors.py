"""Read queries about invoices."""

from comptoir.orders.models import Order

from .models import Invoice


def invoice_of(order: Order) -> Invoice | None:
    """The order's current invoice, or None (the reverse one-to-one raises when there is none)."""
    try:
        return order.invoice
    except Invoice.DoesNotExist:
        return None
