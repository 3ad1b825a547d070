"""Read queries of the fulfilment parts of the pages, each in a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch

from comptoir.core.prepared import PreparedQuery
from comptoir.orders.models import Order

from .models import Shipment, ShipmentLine


@dataclass
class LineToShip:
    line: object
    shipped: int

    @property
    def remaining(self) -> int:
        return max(self.line.quantity - self.shipped, 0)


def order_shipments(order: Order) -> list[Shipment]:
    """The order's shipments, active and cancelled, with their lines (2 queries; 1 when it has
    none). The order page reads them: their SQL is written once (``core.prepared``)."""
    return _ORDER_SHIPMENTS(order_id=order.pk)


_ORDER_SHIPMENTS = PreparedQuery(
    lambda order_id: Shipment.objects.filter(order_id=order_id)
    .select_related("created_by")
    .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")))
    .order_by("number"),
    order_id=(1, 2),
)


def lines_to_ship(order: Order, shipments: list[Shipment]) -> list[LineToShip]:
    """Each order line with the quantity already in active shipments (no query: the order's
    lines must be prefetched)."""
    shipped: dict[int, int] = {}
    for shipment in shipments:
        if shipment.is_active:
            for item in shipment.lines.all():
                shipped[item.order_line_id] = shipped.get(item.order_line_id, 0) + item.quantity
    return [LineToShip(line, shipped.get(line.pk, 0)) for line in order.lines.all()]


def active_tracking(orders) -> Prefetch:
    """Prefetch of each order's active shipments (for lists and exports)."""
    return Prefetch(
        "shipments",
        queryset=Shipment.objects.filter(status=Shipment.Status.ACTIVE).order_by("number"),
        to_attr="active_shipments",
    )


def customer_shipments(order: Order) -> list[Shipment]:
    """The parcels the customer sees on the order page (not the cancelled ones), 2 queries."""
    return list(
        Shipment.objects.filter(order=order, status=Shipment.Status.ACTIVE)
        .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")))
        .order_by("number")
    )
