"""The order timeline. Call ``record_event`` inside the transaction that makes the change."""

from .models import Order, OrderEvent


def record_event(order: Order, kind: str, *, actor=None, **data) -> OrderEvent:
    """Append an entry to the order's timeline; ``data`` must be JSON-able (amounts as str)."""
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor, data=data)
