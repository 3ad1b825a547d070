"""Read queries of pages that show an order with its invoice and payments."""

from functools import partial

from django.db.models import Prefetch

from comptoir.core.prepared import PreparedQuery, attach_related
from comptoir.invoicing.models import CreditNote
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.selectors import order_lines, order_taxes


def order_detail(number: int, *, invoice_documents: bool = True) -> Order:
    """One order with everything its page shows (raises Order.DoesNotExist); without
    ``invoice_documents`` (the « Commande » tab) the invoice's lines, taxes, payments and credit
    notes are not read.

    The order page is opened often: its queries' SQL is written once per database
    (``core.prepared``), and the order's lines, taxes and timeline are read by order id and
    attached as ``prefetch_related`` would (``order.lines.all()`` runs no query)."""
    found = (_ORDER_WITH_DOCUMENTS if invoice_documents else _ORDER)(number=number)
    if not found:
        raise Order.DoesNotExist(f"No order number {number}.")
    order = found[0]
    attach_related(order, "lines", order_lines(order_id=order.pk))
    attach_related(order, "taxes", order_taxes(order_id=order.pk))
    attach_related(order, "events", _EVENTS(order_id=order.pk))
    return order


def _order_query(number: int, *, invoice_documents: bool):
    orders = Order.objects.select_related(
        "customer", "billing_address", "shipping_address", "delivery_method", "invoice",
    ).filter(number=number)
    if invoice_documents:
        orders = orders.prefetch_related(
            "invoice__lines", "invoice__taxes", "invoice__payments",
            Prefetch("invoice__credit_notes", queryset=CreditNote.objects.order_by("number")),
        )
    return orders


_ORDER = PreparedQuery(partial(_order_query, invoice_documents=False), number=(1, 2))
_ORDER_WITH_DOCUMENTS = PreparedQuery(partial(_order_query, invoice_documents=True), number=(1, 2))
_EVENTS = PreparedQuery(
    lambda order_id: OrderEvent.objects.filter(order_id=order_id).select_related("actor")
    .order_by("created_at", "id"),
    order_id=(1, 2),
)
