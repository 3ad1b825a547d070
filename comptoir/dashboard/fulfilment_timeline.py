"""Timeline sentences of the shipping and pickup events."""

from django.utils.translation import gettext as _

from comptoir.fulfilment.carriers import carrier_label
from comptoir.orders.models import OrderEvent

Kind = OrderEvent.Kind


def _parcel(data: dict, prefix: str = "") -> str:
    carrier = carrier_label(data[f"{prefix}carrier"], data.get(f"{prefix}carrier_name", ""))
    number = data.get(f"{prefix}tracking_number") or ""
    return f"{carrier} {number}".strip()


def _created(data: dict) -> str:
    text = _("Parcel %(number)s shipped (%(parcel)s), %(quantity)s item(s)") % {
        "number": data["shipment"],
        "parcel": _parcel(data),
        "quantity": data["quantity"],
    }
    if data.get("notified") is False:
        text += " — " + _("customer not notified")
    return text


FULFILMENT_DESCRIBERS = {
    Kind.SHIPMENT_CREATED: _created,
    Kind.SHIPMENT_CORRECTED: lambda data: (
        _("Parcel %(number)s corrected: %(old)s → %(new)s")
        % {
            "number": data["shipment"],
            "old": _parcel(data, "old_"),
            "new": _parcel(data),
        }
    ),
    Kind.SHIPMENT_CANCELLED: lambda data: _("Parcel %(number)s cancelled") % {"number": data["shipment"]},
    Kind.READY_FOR_PICKUP: lambda data: (
        _("Ready for pickup") + ("" if data.get("notified", True) else " — " + _("customer not notified"))
    ),
    Kind.PICKED_UP: lambda data: _("Handed over to the customer"),
}
