"""Real row locks (PostgreSQL): merchants shipping the same order at once never ship more than
was ordered."""

import pytest

from comptoir.core.testing import (
    make_delivery_methods,
    make_order,
    make_product,
    make_shop,
    make_staff_user,
    run_together,
)
from comptoir.fulfilment.models import Shipment, ShipmentLine
from comptoir.fulfilment.services import Parcel, ship_order
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_shipments_never_exceed_the_ordered_quantity():
    make_shop()
    make_delivery_methods()
    merchant = make_staff_user()
    order = make_order([(make_product(stock=10), 3)])
    line_id = order.lines.get().pk

    def ship(_index):
        return ship_order(
            Order.objects.get(pk=order.pk),
            quantities={line_id: 2},
            parcel=Parcel(carrier="purolator", tracking_number="123456789012"),
            actor=merchant,
        )

    outcomes = run_together(6, ship)
    names = sorted("ok" if isinstance(o, Shipment) else type(o).__name__ for o in outcomes)
    assert names == ["FulfilmentError"] * 5 + ["ok"]
    assert sum(ShipmentLine.objects.values_list("quantity", flat=True)) == 2
    assert list(Shipment.objects.values_list("number", flat=True)) == [1]
    assert Order.objects.get(pk=order.pk).fulfilment_state == Order.Fulfilment.PARTIAL
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.SHIPMENT_CREATED).count() == 1
    assert Notification.objects.filter(template="order_shipped").count() == 1
