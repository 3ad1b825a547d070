"""The order timeline. Call ``record_event`` inside the transaction that makes the change."""

from .models import Order, OrderEvent


def record_event(order: Order, kind: str, *, actor=None, **data) -> OrderEvent:
    """Append an entry to the order's timeline; ``data`` must be JSON-able (amounts as str)."""
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor, data=data)


def record_events(order: Order, events: list[tuple[str, dict]], *, actor=None) -> list[OrderEvent]:
    """Several entries in one statement, in this order (``(kind, data)`` pairs)."""
    return OrderEvent.objects.bulk_create(
        OrderEvent(order=order, kind=kind, actor=actor, data=data) for kind, data in events
    )
