"""Reminders and expiry of unpaid invoices, and the merchant's daily summary of them.

Settings (« Configuration › Paiements », ``ShopSettings``): ``reminders_enabled``,
``reminder_days`` (days after the invoice, « 3,7 »), ``expiry_days`` (None: never cancelled) and
``alert_unpaid_summary`` (channel of the daily summary).

``run_reminders(now)`` (the periodic job ``payment_reminders``, hourly) looks at the current
unpaid invoices of open orders (« Nouvelle », « En attente du paiement »; not cash on delivery,
not an order whose reminders the merchant turned off):

- an invoice ``expiry_days`` old or more: its order is cancelled through
  ``invoicing.services.change_order_status`` (credit note, stock released, the customer's
  « commande annulée » email);
- otherwise the latest reminder due (its day passed, before the expiry day) is sent, unless it or
  a later one was already: after a worker outage, one reminder, never each one missed.

An invoice more than ``CATCH_UP_DAYS`` (30) days past the last reminder day (or the expiry day)
is left alone: turning reminders on does not write to the customers of long-forgotten invoices.

Each reminder or cancellation is a ``PaymentReminder`` row, unique per (invoice, kind, number),
written with the message and the timeline entry in one transaction under the invoice's lock:
running the job twice, or on two workers at once, sends nothing twice. An invoice that is paid,
cancelled or replaced stops everything at once (checked again under the lock).
"""

import datetime
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import change_order_status, lock_invoice, lock_order_invoices
from comptoir.merchant.models import AlertChannel, ShopSettings
from comptoir.notifications.models import Notification
from comptoir.notifications.services import OutgoingMessage, queue_notification, queue_notifications
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.references import interac_instructions

from .links import payment_url
from .models import PaymentReminder, ReminderPause

OPEN = (Order.Status.NEW, Order.Status.AWAITING_PAYMENT)
# An invoice older than its last reminder (or expiry) day plus this is left alone: turning the
# reminders on does not write to customers of long-forgotten invoices, and an outage shorter
# than this is still caught up.
CATCH_UP_DAYS = 30
SUMMARY_LIMIT = 50


class ReminderError(DomainError):
    pass


# --- Payment instructions, per method ----------------------------------------------------------
# method chosen at checkout → function(order, shop, language) giving the text that tells how to
# pay. A method without an entry shows the instructions stored on the order at checkout. The
# message templates show them through « messages/payment_reminder/_instructions.{html,txt} ».
INSTRUCTIONS: dict[str, Callable[[Order, ShopSettings, str], str]] = {
    Order.PaymentMethod.CHEQUE: lambda order, shop, language: (
        shop.cheque_instructions(language) or order.payment_instructions),
    Order.PaymentMethod.INTERAC: lambda order, shop, language: (
        interac_instructions(shop, order.payment_reference, language)
        if shop.interac_email else order.payment_instructions),
}


def payment_instructions(order: Order, shop: ShopSettings, language: str) -> dict:
    build = INSTRUCTIONS.get(order.payment_method)
    text = build(order, shop, language) if build else order.payment_instructions
    return {"method": order.payment_method, "text": text or ""}


# --- The periodic run ----------------------------------------------------------------------------


def unpaid_invoices(*, issued_before: datetime.datetime | None = None,
                    issued_after: datetime.datetime | None = None, paused: bool = False):
    """Current unpaid invoices of open orders (not cash on delivery); those whose reminders the
    merchant turned off only with ``paused``."""
    invoices = (
        Invoice.objects.filter(status=Invoice.Status.UNPAID, current_for__status__in=OPEN)
        .exclude(current_for__payment_method=Order.PaymentMethod.CASH_ON_DELIVERY)
        .select_related("order")
        .order_by("issued_at", "id")
    )
    if not paused:
        invoices = invoices.exclude(order__in=ReminderPause.objects.values("order"))
    if issued_before is not None:
        invoices = invoices.filter(issued_at__lte=issued_before)
    if issued_after is not None:
        invoices = invoices.filter(issued_at__gt=issued_after)
    return invoices


def run_reminders(*, now: datetime.datetime | None = None, shop: ShopSettings | None = None) -> dict:
    """Send the reminders due and cancel the orders expired; returns how many of each."""
    now = now or timezone.now()
    shop = shop or ShopSettings.load()
    done = {"reminders": 0, "cancelled": 0}
    if not shop.reminders_enabled:
        return done
    days = shop.reminder_day_list()
    expiry = shop.expiry_days
    if expiry:
        days = [day for day in days if day < expiry]
    if not days and not expiry:
        return done
    first, last = min([*days, expiry or days[0]]), max([*days, expiry or 0])
    invoices = unpaid_invoices(
        issued_before=now - datetime.timedelta(days=first),
        issued_after=now - datetime.timedelta(days=last + CATCH_UP_DAYS),
    ).prefetch_related(
        Prefetch("reminders", queryset=PaymentReminder.objects.exclude(kind=PaymentReminder.Kind.MANUAL),
                 to_attr="automatic_reminders"))
    for invoice in invoices:
        if invoice.balance_amount <= 0:
            continue
        age = now - invoice.issued_at
        if expiry and age >= datetime.timedelta(days=expiry):
            if not any(row.kind == PaymentReminder.Kind.EXPIRY for row in invoice.automatic_reminders):
                done["cancelled"] += expire_invoice(invoice, days=expiry, now=now)
            continue
        due = [(number, day) for number, day in enumerate(days, start=1)
               if age >= datetime.timedelta(days=day)]
        if not due:
            continue
        number, day = due[-1]
        sent = [row.number for row in invoice.automatic_reminders
                if row.kind == PaymentReminder.Kind.REMINDER]
        if sent and max(sent) >= number:
            continue
        if send_reminder(invoice, number=number, days=day, shop=shop, now=now) is not None:
            done["reminders"] += 1
    return done


def _still_owed(invoice: Invoice) -> bool:
    order = invoice.order
    return (invoice.status == Invoice.Status.UNPAID and invoice.balance_amount > 0
            and order.status in OPEN and invoice.current_for_id == order.pk)


def send_reminder(invoice: Invoice, *, number: int, days: int, shop: ShopSettings | None = None,
                  now: datetime.datetime | None = None) -> Notification | None:
    """Automatic reminder ``number`` (sent ``days`` after the invoice); None when it is no longer
    due (paid, cancelled, turned off, or this or a later reminder already sent)."""
    shop = shop or ShopSettings.load()
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if not _still_owed(locked) or ReminderPause.objects.filter(order=locked.order).exists():
            return None
        if PaymentReminder.objects.filter(invoice=locked, kind=PaymentReminder.Kind.REMINDER,
                                          number__gte=number).exists():
            return None
        return _send(locked, shop=shop, kind=PaymentReminder.Kind.REMINDER, number=number, days=days,
                     actor=None, now=now or timezone.now())


def send_reminder_now(invoice: Invoice, *, actor) -> Notification:
    """« Envoyer un rappel maintenant »: one more reminder, whatever the settings say."""
    shop = ShopSettings.load()
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if not _still_owed(locked):
            raise ReminderError(
                _("Invoice %(reference)s has no balance due: there is nothing to remind.")
                % {"reference": locked.reference}, code="not_owed")
        now = timezone.now()
        return _send(locked, shop=shop, kind=PaymentReminder.Kind.MANUAL, number=0,
                     days=(now - locked.issued_at).days, actor=actor, now=now)


def _send(invoice: Invoice, *, shop: ShopSettings, kind: str, number: int, days: int, actor,
          now: datetime.datetime) -> Notification:
    order = invoice.order
    automatic = kind == PaymentReminder.Kind.REMINDER
    key = f"payment-reminder:{invoice.pk}:{number}" if automatic else (
        f"payment-reminder:{invoice.pk}:manual:{uuid.uuid4().hex}")
    notification = queue_notification(
        channel=Notification.Channel.EMAIL, template="payment_reminder", recipient=invoice.customer_email,
        language=invoice.language, context=reminder_context(invoice, shop, number=number, now=now),
        dedupe_key=key, reference=f"order:{order.pk}", sender_name=shop.display_name, reply_to=shop.email,
    )
    PaymentReminder.objects.create(invoice=invoice, kind=kind, number=number, days=days,
                                   notification=notification, actor=actor, created_at=now)
    record_event(order, OrderEvent.Kind.PAYMENT_REMINDER, actor=actor, invoice=invoice.reference,
                 number=number, days=days, recipient=invoice.customer_email,
                 balance=str(invoice.balance_amount), notification=notification.pk)
    return notification


def reminder_context(invoice: Invoice, shop: ShopSettings, *, number: int, now: datetime.datetime) -> dict:
    """JSON data of the reminder email, in the invoice's language."""
    order = invoice.order
    language = invoice.language or settings.LANGUAGE_CODE
    with translation.override(language):
        order_url = settings.SITE_URL + order.get_customer_url()
        issued_on = date_format(timezone.localtime(invoice.issued_at), "DATE_FORMAT")
        cancel_on = ""
        if shop.expiry_days:
            cancel_on = date_format(
                timezone.localtime(invoice.issued_at + datetime.timedelta(days=shop.expiry_days)),
                "DATE_FORMAT")
    return {
        "shop": shop.message_data(),
        "customer": {"name": invoice.customer_name},
        "order": {"number": order.number, "url": order_url},
        "invoice": {
            "reference": invoice.reference, "issued_on": issued_on, "total": str(invoice.total_amount),
            "paid": str(invoice.paid_amount), "balance": str(invoice.balance_amount),
            "currency": invoice.currency,
        },
        "number": number,
        "payment": payment_instructions(order, shop, language),
        "payment_url": payment_url(invoice) or "",
        "cancel_on": cancel_on,
    }


def expire_invoice(invoice: Invoice, *, days: int, now: datetime.datetime | None = None) -> bool:
    """Cancel the order of an invoice unpaid ``days`` after its issue (credit note, stock back,
    the customer told); False when it no longer applies (paid, cancelled, turned off meanwhile)."""
    with transaction.atomic():
        order, invoices = lock_order_invoices(invoice.order)
        locked = next((row for row in invoices if row.pk == invoice.pk), None)
        if locked is None:
            return False
        locked.order = order
        if not _still_owed(locked) or ReminderPause.objects.filter(order=order).exists():
            return False
        if PaymentReminder.objects.filter(invoice=locked, kind=PaymentReminder.Kind.EXPIRY).exists():
            return False
        PaymentReminder.objects.create(invoice=locked, kind=PaymentReminder.Kind.EXPIRY, days=days,
                                       created_at=now or timezone.now())
        record_event(order, OrderEvent.Kind.PAYMENT_REMINDER, actor=None, invoice=locked.reference,
                     expired=True, days=days, balance=str(locked.balance_amount))
        change_order_status(order, to=Order.Status.CANCELLED, actor=None)
    return True


# --- One order: on or off --------------------------------------------------------------------


def set_order_reminders(order: Order, *, enabled: bool, actor) -> bool:
    """Turn the automatic reminders (and the automatic cancellation) of one order off or back on;
    returns whether anything changed."""
    with transaction.atomic():
        if enabled:
            changed = ReminderPause.objects.filter(order=order).delete()[0] > 0
        else:
            _pause, changed = ReminderPause.objects.get_or_create(order=order, defaults={"actor": actor})
        if changed:
            record_event(order, OrderEvent.Kind.REMINDERS_CHANGED, actor=actor, enabled=enabled)
    return changed


def reminders_state(order: Order) -> dict:
    """What the order's « Facture » tab shows: reminders sent, and whether they are on."""
    return {
        "paused": ReminderPause.objects.filter(order=order).exists(),
        "sent": list(PaymentReminder.objects.filter(invoice__order=order).order_by("created_at", "id")),
    }


# --- The merchant's daily summary --------------------------------------------------------------


def send_unpaid_summary(*, now: datetime.datetime | None = None) -> list[Notification]:
    """Today's summary to the merchant (email and/or SMS, ``alert_unpaid_summary``): the invoices
    awaiting payment and the orders cancelled for want of payment in the last 24 hours. Once a
    day (the dedupe keys name the day); nothing when reminders are off or there is nothing to say."""
    now = now or timezone.now()
    shop = ShopSettings.load()
    channels = shop.alert_unpaid_summary
    if not shop.reminders_enabled or channels == AlertChannel.NONE:
        return []
    awaiting = unpaid_invoices(issued_before=now, paused=True)
    totals = awaiting.aggregate(total=Sum("total_amount"), paid=Sum("paid_amount"),
                                credited=Sum("credited_amount"))
    count = awaiting.count()
    expired = list(
        PaymentReminder.objects.filter(kind=PaymentReminder.Kind.EXPIRY,
                                       created_at__gt=now - datetime.timedelta(days=1), created_at__lte=now)
        .select_related("invoice__order").order_by("created_at", "id")[:SUMMARY_LIMIT]
    )
    if not count and not expired:
        return []
    language = shop.alert_language
    day = timezone.localdate(now)
    with translation.override(language):
        list_url = (settings.SITE_URL + reverse("dashboard:order_list")
                    + f"?status={Order.Status.AWAITING_PAYMENT}")
        day_label = date_format(day)
    owed = (totals["total"] or 0) - (totals["paid"] or 0) - (totals["credited"] or 0)
    context = {
        "shop": shop.message_data(), "day": day_label, "list_url": list_url,
        "awaiting_count": count, "awaiting_balance": str(max(owed, 0)),
        "awaiting": [_summary_row(invoice, now) for invoice in awaiting[:SUMMARY_LIMIT]],
        "expired_count": len(expired),
        "expired": [_summary_row(row.invoice, now) for row in expired],
    }
    key = f"unpaid-summary:{day.isoformat()}"
    messages = []
    email = shop.alert_email or shop.email
    if channels in (AlertChannel.EMAIL, AlertChannel.BOTH) and email:
        messages.append(OutgoingMessage(
            channel=Notification.Channel.EMAIL, template="unpaid_summary", recipient=email, language=language,
            context=context, dedupe_key=f"{key}:email", reference="unpaid-summary", sender_name="Comptoir",
        ))
    if channels in (AlertChannel.SMS, AlertChannel.BOTH) and shop.alert_mobile:
        messages.append(OutgoingMessage(
            channel=Notification.Channel.SMS, template="unpaid_summary", recipient=shop.alert_mobile,
            language=language, context=context, dedupe_key=f"{key}:sms", reference="unpaid-summary",
        ))
    return queue_notifications(messages) if messages else []


def _summary_row(invoice: Invoice, now: datetime.datetime) -> dict:
    return {
        "invoice": invoice.reference, "order": invoice.order.number, "customer": invoice.customer_name,
        "total": str(invoice.total_amount),
        "balance": str(max(invoice.total_amount - invoice.credited_amount - invoice.paid_amount, 0)),
        "days": (now - invoice.issued_at).days,
    }
