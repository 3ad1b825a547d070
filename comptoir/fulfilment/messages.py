"""The customer's messages about the goods: « Votre commande a été expédiée » and « Votre
commande est prête pour la cueillette ». Recorded in the outbox in the caller's transaction,
in the customer's language, by email, and by SMS when the customer agreed to it at checkout."""

from django.conf import settings
from django.utils import translation

from comptoir.core.i18n import localized
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification
from comptoir.notifications.services import OutgoingMessage, queue_notifications
from comptoir.orders.models import Order

from .carriers import tracking_url


def queue_shipment_messages(order: Order, shipment) -> list[Notification]:
    """The « shipped » message of one parcel (its number is part of the key: a corrected
    tracking number is a new message, the same one twice is recorded once)."""
    shop = ShopSettings.load()
    language = order.language
    lines = {line.pk: line for line in order.lines.all()}
    with translation.override(language):
        parcel = {
            "number": shipment.number,
            "carrier": shipment.carrier_display(language),
            "tracking_number": shipment.tracking_number,
            "tracking_url": tracking_url(shipment.carrier, shipment.tracking_number),
            "note": shipment.note,
            "lines": [
                {
                    "sku": lines[item.order_line_id].sku,
                    "name": localized(lines[item.order_line_id], "name", language),
                    "quantity": item.quantity,
                }
                for item in shipment.lines.all()
                if item.order_line_id in lines
            ],
        }
    context = {**_base_context(order, shop), "shipment": parcel}
    key = f"shipment:{shipment.pk}:{shipment.tracking_number or '-'}:customer"
    return queue_notifications(_messages(order, shop, "order_shipped", context, key))


def queue_pickup_messages(order: Order) -> list[Notification]:
    shop = ShopSettings.load()
    context = {
        **_base_context(order, shop),
        # The pickup method's description says where and when (the shop's hours).
        "pickup": {"instructions": localized(order.delivery_method, "description", order.language)},
    }
    return queue_notifications(
        _messages(order, shop, "ready_for_pickup", context, f"order:{order.pk}:ready-for-pickup:customer")
    )


def _base_context(order: Order, shop: ShopSettings) -> dict:
    with translation.override(order.language):
        url = settings.SITE_URL + order.get_customer_url()
    return {
        "shop": shop.message_data(),
        "order": {"number": order.number, "url": url},
        "customer": {"name": order.billing_address.full_name or order.customer.full_name},
    }


def _messages(
    order: Order, shop: ShopSettings, template: str, context: dict, key: str
) -> list[OutgoingMessage]:
    common = {
        "template": template,
        "language": order.language,
        "context": context,
        "reference": f"order:{order.pk}",
    }
    messages = [
        OutgoingMessage(
            channel=Notification.Channel.EMAIL,
            recipient=order.email,
            dedupe_key=f"{key}:email",
            sender_name=shop.display_name,
            reply_to=shop.email,
            **common,
        )
    ]
    if order.sms_consent and order.phone:
        messages.append(
            OutgoingMessage(
                channel=Notification.Channel.SMS,
                recipient=order.phone,
                dedupe_key=f"{key}:sms",
                **common,
            )
        )
    return messages
