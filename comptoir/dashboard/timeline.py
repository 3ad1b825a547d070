"""The order page's timeline: order events and outbox messages, as readable sentences."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from comptoir.core.i18n import current_language
from comptoir.core.money import format_amount
from comptoir.orders.models import Order, OrderEvent

from .fulfilment_timeline import FULFILMENT_DESCRIBERS
from .labels import ALL_PAYMENT_METHOD_LABELS, NOTIFICATION_TEMPLATE_LABELS

Kind = OrderEvent.Kind


@dataclass
class Entry:
    at: datetime
    text: str
    actor: str = ""
    kind: str = ""
    notification: object = None


def build_timeline(events, notifications) -> list[Entry]:
    entries = [_event_entry(event) for event in events]
    entries += [_notification_entry(notification) for notification in notifications]
    return sorted(entries, key=lambda entry: entry.at)


def _event_entry(event: OrderEvent) -> Entry:
    if event.actor_id:
        actor = event.actor.get_full_name() or event.actor.get_username()
    elif event.kind == Kind.PLACED:
        actor = _("Customer")
    else:
        actor = _("System")
    return Entry(at=event.created_at, text=describe_event(event), actor=actor, kind=event.kind)


def _notification_entry(notification) -> Entry:
    template = NOTIFICATION_TEMPLATE_LABELS.get(notification.template, notification.template)
    text = _("%(channel)s « %(message)s » to %(recipient)s") % {
        "channel": notification.get_channel_display(),
        "message": template,
        "recipient": notification.recipient,
    }
    return Entry(at=notification.created_at, text=text, kind="notification", notification=notification)


def _amount(value) -> str:
    try:
        return format_amount(value, current_language())
    except (TypeError, ValueError):
        return str(value)


def _status(value) -> str:
    return str(Order.Status(value).label) if value in Order.Status.values else str(value)


def _line_name(data: dict) -> str:
    if current_language() == "en" and data.get("name_en"):
        return data["name_en"]
    return data.get("name", "")


def describe_event(event: OrderEvent) -> str:
    """A translated sentence for one timeline entry (unknown data keys fall back gracefully)."""
    data = event.data or {}
    describe = _DESCRIBERS.get(event.kind)
    if describe is None:
        return str(event.get_kind_display())
    try:
        return describe(data)
    except (KeyError, TypeError, ValueError):
        return str(event.get_kind_display())


def _reference(data: dict, key: str, prefix: str) -> str:
    if data.get(key):
        return str(data[key])
    if data.get("number"):
        return f"{prefix}-{int(data['number']):06d}"
    return ""


def _payment(data: dict) -> str:
    method = ALL_PAYMENT_METHOD_LABELS.get(data.get("method", ""), data.get("method", ""))
    if data.get("amount") is None:
        return _("Payment recorded")
    text = _("Payment of %(amount)s recorded (%(method)s)") % {
        "amount": _amount(data["amount"]), "method": method,
    }
    return text + _terminal_details(data)


def _terminal_details(data: dict) -> str:
    from comptoir.payments.models import Payment

    payment = Payment(card_brand=data.get("card_brand", ""), card_last4=data.get("card_last4", ""),
                      authorization_code=data.get("authorization_code", ""))
    details = payment.terminal_details()
    return f" — {details}" if details else ""


def _line_changed(data: dict) -> str:
    """Only what changed: no « prix unitaire 7,50 $ → 7,50 $ » when the price stayed."""
    values = {
        "name": _line_name(data), "old_quantity": data["old_quantity"], "quantity": data["quantity"],
        "old_price": _amount(data["old_unit_price"]), "price": _amount(data["unit_price"]),
    }
    quantity_changed = str(data["old_quantity"]) != str(data["quantity"])
    price_changed = _decimal(data["old_unit_price"]) != _decimal(data["unit_price"])
    if quantity_changed and not price_changed:
        return _("Line changed: %(name)s, quantity %(old_quantity)s → %(quantity)s") % values
    if price_changed and not quantity_changed:
        return _("Line changed: %(name)s, unit price %(old_price)s → %(price)s") % values
    return _(
        "Line changed: %(name)s, quantity %(old_quantity)s → %(quantity)s, "
        "unit price %(old_price)s → %(price)s"
    ) % values


def _reminder(data: dict) -> str:
    if data.get("expired"):
        return _("Invoice %(reference)s unpaid after %(days)s days: order cancelled automatically") % {
            "reference": data.get("invoice", ""), "days": data["days"]}
    values = {"reference": data.get("invoice", ""), "balance": _amount(data["balance"]),
              "recipient": data.get("recipient", "")}
    if not data.get("number"):
        return _("Payment reminder of invoice %(reference)s (balance %(balance)s) sent to "
                 "%(recipient)s") % values
    return _("Payment reminder %(number)s of invoice %(reference)s (balance %(balance)s) sent to "
             "%(recipient)s") % {**values, "number": data["number"]}


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value


_DESCRIBERS = {
    Kind.PLACED: lambda data: _("Order placed"),
    Kind.STATUS_CHANGED: lambda data: _("Status changed from « %(old)s » to « %(new)s »") % {
        "old": _status(data["old"]), "new": _status(data["new"]),
    } + (f" — {data['reason']}" if data.get("reason") else ""),
    Kind.LINE_ADDED: lambda data: _("Line added: %(quantity)s × %(name)s at %(price)s") % {
        "quantity": data["quantity"], "name": _line_name(data), "price": _amount(data["unit_price"]),
    },
    Kind.LINE_REMOVED: lambda data: _("Line removed: %(quantity)s × %(name)s") % {
        "quantity": data["quantity"], "name": _line_name(data),
    },
    Kind.LINE_CHANGED: lambda data: _line_changed(data),
    Kind.INVOICE_ISSUED: lambda data: _("Invoice %(reference)s issued") % {
        "reference": _reference(data, "invoice", "F"),
    },
    Kind.INVOICE_SENT: lambda data: _("Invoice sent by email") if not data.get("recipient") else _(
        "Invoice sent by email to %(recipient)s") % {"recipient": data["recipient"]},
    Kind.PAYMENT_RECORDED: _payment,
    Kind.PAYMENT_FAILED: lambda data: _("Payment failed") + (
        f" — {data['reason']}" if data.get("reason") else ""),
    Kind.PAYMENT_CONFIRMATION_SENT: lambda data: _("Payment confirmation sent to the customer"),
    Kind.CREDIT_NOTE_ISSUED: lambda data: _("Credit note %(reference)s issued") % {
        "reference": _reference(data, "credit_note", "NC"),
    },
    Kind.NOTE: lambda data: data.get("text") or _("Note"),
    Kind.PAYMENT_REVERSED: lambda data: _(
        "Payment of %(amount)s reversed (%(method)s): %(reason)s") % {
        "amount": _amount(data["amount"]),
        "method": ALL_PAYMENT_METHOD_LABELS.get(data.get("method", ""), data.get("method", "")),
        "reason": data.get("reason", ""),
    },
    Kind.PAYMENT_REMINDER: lambda data: _reminder(data),
    Kind.REMINDERS_CHANGED: lambda data: _("Payment reminders turned on for this order") if data.get(
        "enabled") else _("Payment reminders and automatic cancellation turned off for this order"),
    **FULFILMENT_DESCRIBERS,
}
