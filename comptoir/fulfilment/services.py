"""Shipping and pickup: the actions that move an order's goods.

Each service runs in one transaction, locks the order row first (two merchants shipping the same
order act one after the other, so an order line is never shipped more than ordered), keeps
``Order.fulfilment_state``, writes its timeline entry and queues the customer's messages in that
transaction, and raises a ``DomainError`` with a translated message when a rule refuses the
action: then nothing is changed.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent

from .carriers import Carrier, normalize_tracking_number, tracking_number_error
from .messages import queue_pickup_messages, queue_shipment_messages
from .models import Shipment, ShipmentLine

Fulfilment = Order.Fulfilment
Kind = OrderEvent.Kind


class FulfilmentError(DomainError):
    pass


@dataclass(frozen=True)
class Parcel:
    """What a shipment says about its carrier (the merchant's input, checked by ``_check``)."""

    carrier: str
    tracking_number: str = ""
    carrier_name: str = ""


def ship_order(
    order: Order,
    *,
    parcel: Parcel,
    quantities: dict[int, int] | None = None,
    note: str = "",
    notify_customer: bool = True,
    actor,
) -> Shipment:
    """« Expédier »: record a parcel of ``quantities`` (order line id -> quantity; ``None``:
    everything not shipped yet) and tell the customer unless ``notify_customer`` is off."""
    parcel = _check(parcel)
    with transaction.atomic():
        locked = lock_order(order)
        if locked.status == Order.Status.CANCELLED:
            raise FulfilmentError(_("A cancelled order cannot be shipped."), code="cancelled")
        if locked.is_pickup:
            raise FulfilmentError(
                _("This order is picked up at the store: use « Prête pour la cueillette »."), code="pickup"
            )
        lines = {line.pk: line for line in locked.lines.all()}
        remaining = _remaining(locked, lines)
        wanted = dict(remaining) if quantities is None else _wanted(quantities, lines, remaining)
        shipment = Shipment.objects.create(
            order=locked,
            number=_next_number(locked),
            carrier=parcel.carrier,
            carrier_name=parcel.carrier_name,
            tracking_number=parcel.tracking_number,
            note=note.strip()[:500],
            notify_customer=notify_customer,
            created_by=actor,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in wanted.items()
        )
        _set_state(locked, _shipped_state(remaining, wanted))
        record_event(
            locked,
            Kind.SHIPMENT_CREATED,
            actor=actor,
            shipment=shipment.number,
            carrier=parcel.carrier,
            carrier_name=parcel.carrier_name,
            tracking_number=parcel.tracking_number,
            quantity=sum(wanted.values()),
            notified=notify_customer,
        )
        if notify_customer:
            queue_shipment_messages(locked, shipment)
    _copy_state(order, locked)
    return shipment


def correct_shipment(shipment: Shipment, *, parcel: Parcel, actor) -> Shipment:
    """Correct the carrier or tracking number (a typo); the customer, if notified, receives
    the message again with the corrected number."""
    parcel = _check(parcel)
    with transaction.atomic():
        lock_order(shipment.order)
        locked = _active_shipment(shipment)
        old = (locked.carrier, locked.carrier_name, locked.tracking_number)
        if old == (parcel.carrier, parcel.carrier_name, parcel.tracking_number):
            return locked
        locked.carrier, locked.carrier_name = parcel.carrier, parcel.carrier_name
        locked.tracking_number = parcel.tracking_number
        locked.save(update_fields=["carrier", "carrier_name", "tracking_number"])
        record_event(
            locked.order,
            Kind.SHIPMENT_CORRECTED,
            actor=actor,
            shipment=locked.number,
            old_carrier=old[0],
            old_carrier_name=old[1],
            old_tracking_number=old[2],
            carrier=parcel.carrier,
            carrier_name=parcel.carrier_name,
            tracking_number=parcel.tracking_number,
        )
        if locked.notify_customer:
            queue_shipment_messages(locked.order, locked)
    return locked


def cancel_shipment(shipment: Shipment, *, actor) -> Shipment:
    """Cancel a parcel recorded by mistake: its quantities are to be shipped again."""
    with transaction.atomic():
        order = lock_order(shipment.order)
        locked = _active_shipment(shipment)
        locked.status = Shipment.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        lines = {line.pk: line for line in order.lines.all()}
        remaining = _remaining(order, lines)
        shipped_any = any(remaining.get(pk, 0) < line.quantity for pk, line in lines.items())
        _set_state(
            order,
            (
                Fulfilment.PARTIAL
                if shipped_any and any(remaining.values())
                else Fulfilment.SHIPPED
                if shipped_any
                else Fulfilment.UNFULFILLED
            ),
        )
        record_event(
            order,
            Kind.SHIPMENT_CANCELLED,
            actor=actor,
            shipment=locked.number,
            tracking_number=locked.tracking_number,
        )
    _copy_state(shipment.order, order)
    return locked


def mark_ready_for_pickup(order: Order, *, notify_customer: bool = True, actor) -> Order:
    """« Prête pour la cueillette »: tell the customer (email, and SMS when they agreed)."""
    with transaction.atomic():
        locked = _lock_pickup(order)
        if locked.fulfilment_state != Fulfilment.UNFULFILLED:
            raise FulfilmentError(
                _("The order is already « %(state)s ».")
                % {"state": Fulfilment(locked.fulfilment_state).label},
                code="state",
            )
        _set_state(locked, Fulfilment.READY_FOR_PICKUP)
        record_event(locked, Kind.READY_FOR_PICKUP, actor=actor, notified=notify_customer)
        if notify_customer:
            queue_pickup_messages(locked)
    _copy_state(order, locked)
    return order


def mark_picked_up(order: Order, *, actor) -> Order:
    """« Remise au client »: the customer took the order at the counter."""
    with transaction.atomic():
        locked = _lock_pickup(order)
        if locked.fulfilment_state == Fulfilment.PICKED_UP:
            raise FulfilmentError(
                _("The order is already « %(state)s ».") % {"state": Fulfilment.PICKED_UP.label},
                code="state",
            )
        _set_state(locked, Fulfilment.PICKED_UP)
        record_event(locked, Kind.PICKED_UP, actor=actor)
    _copy_state(order, locked)
    return order


# --- Helpers ---------------------------------------------------------------------------------


def lock_order(order: Order) -> Order:
    """The order row, locked (the first lock of every action on an order, as in orders)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("delivery_method", "billing_address", "shipping_address", "customer")
        .get(pk=order.pk)
    )


def _lock_pickup(order: Order) -> Order:
    locked = lock_order(order)
    if locked.status == Order.Status.CANCELLED:
        raise FulfilmentError(_("The order is cancelled."), code="cancelled")
    if not locked.is_pickup:
        raise FulfilmentError(_("This order is shipped, not picked up at the store."), code="not_pickup")
    return locked


def _check(parcel: Parcel) -> Parcel:
    number = normalize_tracking_number(parcel.tracking_number)
    name = " ".join((parcel.carrier_name or "").split())[:60]
    if parcel.carrier == Carrier.OTHER and not name:
        raise FulfilmentError(_("Enter the carrier's name."), code="carrier_name")
    error = tracking_number_error(parcel.carrier, number)
    if error:
        raise FulfilmentError(error, code="tracking_number")
    return Parcel(
        carrier=parcel.carrier,
        tracking_number=number,
        carrier_name=name if parcel.carrier == Carrier.OTHER else "",
    )


def _remaining(order: Order, lines: dict) -> dict[int, int]:
    """Order line id -> quantity not shipped yet (active shipments only)."""
    shipped = ShipmentLine.objects.filter(
        shipment__order=order, shipment__status=Shipment.Status.ACTIVE
    ).values_list("order_line_id", "quantity")
    remaining = {pk: line.quantity for pk, line in lines.items()}
    for line_id, quantity in shipped:
        if line_id in remaining:
            remaining[line_id] -= quantity
    return {pk: quantity for pk, quantity in remaining.items() if quantity > 0}


def _wanted(quantities: dict[int, int], lines: dict, remaining: dict[int, int]) -> dict[int, int]:
    wanted = {}
    for line_id, quantity in quantities.items():
        if line_id not in lines:
            raise FulfilmentError(_("This line is no longer part of the order."), code="no_line")
        if quantity < 0:
            raise FulfilmentError(_("A quantity cannot be negative."), code="quantity")
        if quantity > remaining.get(line_id, 0):
            raise FulfilmentError(
                _(
                    "« %(name)s »: %(quantity)s to ship, but only %(remaining)s left to ship of %(ordered)s "
                    "ordered."
                )
                % {
                    "name": lines[line_id].name,
                    "quantity": quantity,
                    "remaining": remaining.get(line_id, 0),
                    "ordered": lines[line_id].quantity,
                },
                code="too_many",
            )
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        raise FulfilmentError(_("Nothing to ship: enter at least one quantity."), code="empty")
    return wanted


def _shipped_state(remaining: dict[int, int], wanted: dict[int, int]) -> str:
    left = any(remaining.get(pk, 0) - wanted.get(pk, 0) > 0 for pk in remaining)
    return Fulfilment.PARTIAL if left else Fulfilment.SHIPPED


def _next_number(order: Order) -> int:
    last = order.shipments.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _active_shipment(shipment: Shipment) -> Shipment:
    locked = Shipment.objects.select_related("order").get(pk=shipment.pk)
    if not locked.is_active:
        raise FulfilmentError(_("This shipment is cancelled."), code="cancelled_shipment")
    return locked


def _set_state(order: Order, state: str) -> None:
    if order.fulfilment_state != state:
        order.fulfilment_state = state
        order.save(update_fields=["fulfilment_state", "updated_at"])


def _copy_state(order: Order, locked: Order) -> None:
    if order is not locked:
        order.fulfilment_state = locked.fulfilment_state
