"""The messages of an order: what the customer and the merchant receive, and when.

Each function builds JSON data from the order (in the recipient's language) and records the
messages in the outbox (``notifications``), in the caller's transaction. Dedupe keys make each
message of each order recorded once (and delivered at least once, see ``notifications.delivery``);
``reference`` ties them to the order's timeline.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from comptoir.core.i18n import localized
from comptoir.merchant.models import AlertChannel, ShopSettings
from comptoir.notifications.models import Notification
from comptoir.notifications.services import OutgoingMessage, prepare_notifications, queue_notifications

from .models import Order, OrderLine, OrderTax

# event -> (message template of the merchant alert, ShopSettings field choosing its channels)
PAYMENT_EVENTS = {
    "received": ("payment_received", "alert_payment_received"),
    "recorded": ("payment_recorded", "alert_payment_recorded"),
}


@dataclass(frozen=True)
class OrderParts:
    """What an order's messages show besides the order row, read once for all of its messages.

    ``payments`` are the invoice's payments, newest first. Checkout passes the rows it has just
    written; otherwise ``_load`` reads them.
    """

    lines: list
    taxes: list
    invoice: object | None
    payments: list


def prepare_order_placed_messages(order: Order, *, shop: ShopSettings,
                                  parts: OrderParts) -> list[Notification]:
    """The rendered, unsaved rows of ``queue_order_placed_messages`` for a new order (checkout:
    rendered before the order and invoice numbers are taken, recorded with
    ``notifications.services.record_new_notifications``)."""
    return prepare_notifications(_order_placed_messages(order, shop, parts))


def queue_order_placed_messages(
    order: Order, *, shop: ShopSettings | None = None, parts: OrderParts | None = None,
    new_order: bool = False,
) -> list[Notification]:
    """The customer's order confirmation and the merchant's "new order" alert(s).

    With ``parts`` (checkout), ``order`` must carry its addresses, customer and delivery method.
    ``new_order``: the order was inserted in the caller's transaction, so its messages cannot
    exist yet (checkout; saves the look-up of their keys).
    """
    if parts is None:
        order, parts = _load(order)
    shop = shop or ShopSettings.load()
    return queue_notifications(_order_placed_messages(order, shop, parts), new_keys=new_order)


def _order_placed_messages(order: Order, shop: ShopSettings, parts: OrderParts) -> list[OutgoingMessage]:
    return [
        _customer_email(order, shop, parts, template="order_confirmation",
                        key=f"order:{order.pk}:placed:customer"),
        *_merchant_alerts(order, shop, parts, template="new_order", channels=shop.alert_new_order,
                          key=f"order:{order.pk}:placed:merchant"),
    ]


def queue_payment_confirmation_messages(order: Order, *, event: str, again: str = "") -> list[Notification]:
    """The customer's payment confirmation and the merchant's alert(s).

    ``event`` is "received" (paid online) or "recorded" (the merchant clicked « Envoyer la
    confirmation de paiement » after recording the payment). ``again``: a unique word for a
    confirmation the merchant chose to send once more (new dedupe keys).
    """
    if event not in PAYMENT_EVENTS:
        raise ValueError(f"Unknown payment event {event!r}")
    template, setting = PAYMENT_EVENTS[event]
    order, parts = _load(order)
    shop = ShopSettings.load()
    return queue_notifications([
        _customer_email(order, shop, parts, template="payment_confirmation",
                        key=f"order:{order.pk}:payment-{event}{again and ':' + again}:customer"),
        *_merchant_alerts(order, shop, parts, template=template, channels=getattr(shop, setting),
                          key=f"order:{order.pk}:payment-{event}{again and ':' + again}:merchant"),
    ])


def queue_cancellation_message(order: Order, *, paid: bool) -> list[Notification]:
    """The customer's « commande annulée » email, in their language; ``paid``: their money
    is to be refunded (the merchant is taken to « Rembourser »)."""
    order, parts = _load(order)
    shop = ShopSettings.load()
    message = _customer_email(order, shop, parts, template="order_cancelled",
                              key=f"order:{order.pk}:cancelled:customer")
    message.context["paid"] = paid
    return queue_notifications([message])


def _customer_email(order: Order, shop: ShopSettings, parts: OrderParts, *, template: str,
                    key: str) -> OutgoingMessage:
    return OutgoingMessage(
        channel=Notification.Channel.EMAIL, template=template, recipient=order.email,
        language=order.language, context=order_context(order, shop, order.language, parts=parts),
        dedupe_key=key, reference=f"order:{order.pk}", sender_name=shop.display_name,
        reply_to=shop.email,
    )


def _merchant_alerts(order: Order, shop: ShopSettings, parts: OrderParts, *, template: str,
                     channels: str, key: str) -> list[OutgoingMessage]:
    language = shop.alert_language
    context = None
    messages = []
    email = shop.alert_email or shop.email
    if channels in (AlertChannel.EMAIL, AlertChannel.BOTH) and email:
        context = context or merchant_context(order, shop, language, parts=parts)
        messages.append(OutgoingMessage(
            channel=Notification.Channel.EMAIL, template=template, recipient=email,
            language=language, context=context, dedupe_key=f"{key}:email",
            reference=f"order:{order.pk}", sender_name="Comptoir",
        ))
    if channels in (AlertChannel.SMS, AlertChannel.BOTH) and shop.alert_mobile:
        context = context or merchant_context(order, shop, language, parts=parts)
        messages.append(OutgoingMessage(
            channel=Notification.Channel.SMS, template=template, recipient=shop.alert_mobile,
            language=language, context=context, dedupe_key=f"{key}:sms", reference=f"order:{order.pk}",
        ))
    return messages


def _load(order: Order) -> tuple[Order, OrderParts]:
    """The order with everything its messages show, in a constant number of queries."""
    order = (
        Order.objects.select_related(
            "customer", "billing_address", "shipping_address", "delivery_method", "invoice"
        )
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")),
            Prefetch("taxes", queryset=OrderTax.objects.order_by("position", "id")),
            "invoice__payments",
        )
        .get(pk=order.pk)
    )
    invoice = getattr(order, "invoice", None)
    payments = []
    if invoice is not None:
        payments = sorted(invoice.payments.all(), key=lambda payment: (payment.created_at, payment.pk),
                          reverse=True)
    return order, OrderParts(lines=list(order.lines.all()), taxes=list(order.taxes.all()),
                             invoice=invoice, payments=payments)


def order_context(order: Order, shop: ShopSettings, language: str, *,
                  parts: OrderParts | None = None) -> dict:
    """Everything the order confirmation shows (QUEBEC.md « Order confirmation »), as JSON data."""
    if parts is None:
        order, parts = _load(order)
    with translation.override(language):
        order_url = settings.SITE_URL + order.get_customer_url()
        placed_on = date_format(timezone.localtime(order.placed_at), "DATE_FORMAT")
    invoice = _invoice_data(parts, language)
    return {
        "shop": shop.message_data(),
        "order": {
            "number": order.number, "placed_on": placed_on, "url": order_url,
            "currency": order.currency, "subtotal_amount": order.list_subtotal_amount,
            "shipping_amount": order.list_shipping_amount, "insurance_amount": order.insurance_amount,
            # The discount line (QUEBEC.md): what the promotions took off, negative; "" if none.
            "discount_line_amount": -order.total_discount_amount if order.total_discount_amount else "",
            "discount_label": order.discount_label,
            "tax_total": order.tax_total, "total_amount": order.total_amount,
        },
        "customer": {
            "name": order.billing_address.full_name or order.customer.full_name,
            "email": order.email, "phone": order.phone,
        },
        "billing_address": order.billing_address.lines(),
        "shipping_address": order.shipping_address.lines() if order.shipping_address else [],
        "delivery": {
            "name": localized(order, "delivery_name", language), "is_pickup": order.is_pickup,
            "expected_delay": order.delivery_method.expected_delay(language),
        },
        "payment": {
            "method": order.payment_method, "instructions": order.payment_instructions,
            "reference": order.payment_reference,
            # What is left to pay: the invoice's balance once there is one, else the total.
            "amount": parts.invoice.balance_amount if parts.invoice else order.total_amount,
        },
        "lines": [_line_data(line, language) for line in parts.lines],
        "taxes": [
            {"code": tax.code, "rate": f"{tax.rate.normalize():f}", "amount": tax.amount}
            for tax in parts.taxes
        ],
        "return_policy": shop.return_policy(language),
        "invoice": invoice,
        # What the payment messages state: what was paid, else (no payment recorded yet) the total.
        "payment_amount": (
            invoice["paid_amount"] if invoice and invoice["has_payment"] else order.total_amount
        ),
    }


def merchant_context(order: Order, shop: ShopSettings, language: str, *,
                     parts: OrderParts | None = None) -> dict:
    context = order_context(order, shop, language, parts=parts)
    context["dashboard_url"] = settings.SITE_URL + _dashboard_url(order, language)
    return context


def _line_data(line: OrderLine, language: str) -> dict:
    return {
        "sku": line.sku, "name": localized(line, "name", language), "quantity": line.quantity,
        "unit_price_amount": line.unit_price_amount, "amount": line.list_amount,
    }


def _invoice_data(parts: OrderParts, language: str) -> dict | None:
    invoice = parts.invoice
    if invoice is None:
        return None
    paid = sum(payment.amount for payment in parts.payments) if parts.payments else None
    last_payment = parts.payments[0] if parts.payments else None
    paid_at = invoice.paid_at or (last_payment.created_at if last_payment else None)
    with translation.override(language):
        paid_on = date_format(timezone.localtime(paid_at), "DATE_FORMAT") if paid_at else ""
    return {
        "reference": invoice.reference, "status": invoice.status, "total_amount": invoice.total_amount,
        "paid_amount": paid if paid is not None else "0.00", "paid_on": paid_on,
        "has_payment": last_payment is not None,
        "payment_method": last_payment.method if last_payment else "",
    }


def _dashboard_url(order: Order, language: str) -> str:
    """The order's page in the back-office."""
    with translation.override(language):
        try:
            return reverse("dashboard:order_detail", kwargs={"number": order.number})
        except NoReverseMatch:  # a project without the back-office pages
            return "/"
