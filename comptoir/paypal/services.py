"""Paying an invoice with PayPal: start a PayPal order, capture it, settle the invoice.

Every path that learns about a capture (the browser coming back, a webhook, the reconciliation
pass) ends in ``settle_capture``, which locks the ``PayPalCheckout`` row: whichever comes first
records the payment and queues the messages, the others find the attempt settled. PayPal is
always called before or after, never inside, a database transaction.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comptoir.core.errors import DomainError
from comptoir.core.money import format_amount
from comptoir.invoicing.models import Invoice
from comptoir.merchant.models import ShopSettings
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import invoice_balance, record_payment

from . import client as paypal
from .models import PayPalCheckout

logger = logging.getLogger(__name__)

Status = PayPalCheckout.Status
CAPTURED_STATUSES = {"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"}  # money reached the merchant
DECLINED_STATUSES = {"DECLINED", "FAILED"}
DECLINE_ISSUES = {"INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED", "TRANSACTION_REFUSED",
                  "PAYER_CANNOT_PAY", "COMPLIANCE_VIOLATION", "MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED"}
REUSE_CHECKOUT_FOR = timedelta(hours=3)  # PayPal lets a payer approve for about 3 hours


class PayPalPaymentError(DomainError):
    pass


class PaymentUnavailable(PayPalPaymentError):
    """PayPal is slow or down; nothing was charged and the customer may try again."""


TIMELINE_TEXTS = {
    "confirmed_webhook": gettext_noop("PayPal payment confirmed by PayPal's notification"),
    "confirmed_reconciliation": gettext_noop("PayPal payment confirmed by the periodic check"),
    "declined": gettext_noop("PayPal declined the payment of %(amount)s"),
    "mismatch": gettext_noop(
        "The PayPal capture does not match the invoice: nothing was recorded (%(detail)s)"),
    "not_captured": gettext_noop("The customer came back from PayPal without a completed payment"),
    "refund": gettext_noop("Refund of %(amount)s made on PayPal (%(refund)s)"),
}


def timeline_text(code: str, **params) -> str:
    """Timeline entries are stored as text, so write them in the merchant's language."""
    language = ShopSettings.load().alert_language or settings.LANGUAGE_CODE
    params = {key: format_amount(value, language) if isinstance(value, Decimal) else value
              for key, value in params.items()}
    with translation.override(language):
        return _(TIMELINE_TEXTS[code]) % params


def paypal_status() -> dict:
    """For the « Configuration » page: are credentials present, and which PayPal is used."""
    return {
        "configured": paypal.is_configured(),
        "mode": paypal.mode(),
        "enabled": ShopSettings.load().paypal_enabled,
        "webhook_configured": bool(settings.PAYPAL_WEBHOOK_ID),
    }


def paypal_available() -> bool:
    return paypal.is_configured() and ShopSettings.load().paypal_enabled


def check_payable(invoice: Invoice) -> Decimal:
    """The amount due on ``invoice``, or a translated refusal."""
    if invoice.status == Invoice.Status.CANCELLED:
        raise PayPalPaymentError(_("This invoice is cancelled: it cannot be paid."), code="cancelled")
    balance = invoice_balance(invoice)
    if invoice.status == Invoice.Status.PAID or balance <= 0:
        raise PayPalPaymentError(_("This invoice is already paid."), code="paid")
    if not paypal_available():
        raise PayPalPaymentError(_("Online payment is not available for this shop."), code="disabled")
    return balance


# --- Starting a payment ----------------------------------------------------------------------


def start_checkout(invoice: Invoice, *, return_url: str, cancel_url: str, language: str) -> PayPalCheckout:
    """Create (or reuse) the PayPal order for the invoice balance; ``approve_url`` is set."""
    checkout = _open_checkout(invoice)
    if checkout.status == Status.CREATED and checkout.approve_url:
        return checkout
    shop = ShopSettings.load()
    try:
        answer = paypal.PayPalClient().create_order(
            amount=checkout.amount, currency=checkout.currency, invoice_id=invoice.reference,
            custom_id=checkout.custom_id, request_id=str(checkout.request_id),
            description=_("Invoice %(reference)s") % {"reference": invoice.reference},
            return_url=return_url, cancel_url=cancel_url, brand_name=shop.display_name,
            locale="en-CA" if language == "en" else "fr-CA",
        )
    except paypal.PayPalError as error:
        _note_error(checkout, error)
        if error.retryable:
            raise PaymentUnavailable(
                _("PayPal is not answering right now. Nothing was charged: please try again in a "
                  "few minutes."), code="unavailable") from error
        raise PayPalPaymentError(
            _("PayPal could not start the payment. Nothing was charged: please try again or "
              "contact the shop."), code="rejected") from error
    PayPalCheckout.objects.filter(pk=checkout.pk, status=Status.NEW).update(
        paypal_order_id=answer["id"], approve_url=paypal.approve_url_of(answer),
        status=Status.CREATED, last_error="", updated_at=timezone.now(),
    )
    checkout.refresh_from_db()
    return checkout


def _open_checkout(invoice: Invoice) -> PayPalCheckout:
    """The attempt to use: an open one for the same amount (same request id), or a new one."""
    with transaction.atomic():
        # The invoice lock makes two clicks at once share one attempt.
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        balance = check_payable(locked)
        recent = timezone.now() - REUSE_CHECKOUT_FOR
        checkout = (
            PayPalCheckout.objects.filter(invoice=locked, status__in=[Status.NEW, Status.CREATED],
                                          amount=balance, created_at__gte=recent)
            .order_by("-created_at").first()
        )
        if checkout is None:
            checkout = PayPalCheckout.objects.create(invoice=locked, amount=balance,
                                                     currency=locked.currency)
    return checkout


def _note_error(checkout: PayPalCheckout, error: Exception) -> None:
    logger.warning("PayPal checkout %s: %s", checkout.pk, error)
    PayPalCheckout.objects.filter(pk=checkout.pk).update(last_error=str(error)[:300],
                                                         updated_at=timezone.now())


# --- Capturing -------------------------------------------------------------------------------


def capture_checkout(checkout: PayPalCheckout, *, source: str) -> PayPalCheckout:
    """Capture the approved PayPal order server-side, then settle the invoice."""
    if checkout.status not in (Status.CREATED, Status.PENDING) or not checkout.paypal_order_id:
        return checkout
    client = paypal.PayPalClient()
    try:
        # The same request id for every try: PayPal captures an order once, whoever asks.
        answer = client.capture_order(checkout.paypal_order_id, request_id=f"{checkout.request_id}-capture")
    except paypal.PayPalRejected as error:
        if error.issue == "ORDER_ALREADY_CAPTURED":
            answer = client.get_order(checkout.paypal_order_id)
        elif error.issue in DECLINE_ISSUES:
            return record_decline(checkout, reason=error.issue, source=source)
        else:
            return _record_unsettled_return(checkout, reason=error.issue or str(error.status), source=source)
    except paypal.PayPalUnavailable as error:
        _note_error(checkout, error)
        raise PaymentUnavailable(
            _("PayPal is not answering right now. If your payment went through, it will be "
              "confirmed automatically; otherwise please try again in a few minutes."),
            code="unavailable") from error
    return settle_paypal_order(checkout, answer, source=source)


def settle_paypal_order(checkout: PayPalCheckout, paypal_order: dict, *, source: str) -> PayPalCheckout:
    captures = paypal.captures_of(paypal_order)
    if not captures:
        return _record_unsettled_return(checkout, reason=paypal_order.get("status", ""), source=source)
    return settle_capture(checkout, captures[0], source=source)


def settle_capture(checkout: PayPalCheckout, capture: paypal.Capture, *, source: str) -> PayPalCheckout:
    """Mark the invoice paid for a COMPLETED capture that matches it exactly; once only."""
    with transaction.atomic():
        locked = PayPalCheckout.objects.select_for_update().get(pk=checkout.pk)
        if locked.status == Status.COMPLETED:
            return locked
        if capture.status == "PENDING":
            locked.status = Status.PENDING
            locked.save(update_fields=["status", "updated_at"])
            return locked
        if capture.status in DECLINED_STATUSES:
            return _decline(locked, reason=capture.status, source=source)
        problem = _mismatch(locked, capture)
        if problem:
            return _needs_attention(locked, reason=problem, source=source, capture=capture)
        try:
            with transaction.atomic():
                payment, created = _record(locked, capture)
        except DomainError as error:
            return _needs_attention(locked, reason=str(error), source=source, capture=capture)
        locked.status, locked.capture_id, locked.last_error = Status.COMPLETED, capture.id, ""
        locked.save(update_fields=["status", "capture_id", "last_error", "updated_at"])
        if created:
            _after_payment(locked, payment, source=source)
    return locked


def _mismatch(checkout: PayPalCheckout, capture: paypal.Capture) -> str:
    if capture.status not in CAPTURED_STATUSES:
        return f"capture status {capture.status}"
    expected = (checkout.amount, checkout.currency, checkout.invoice.reference, checkout.custom_id)
    received = (capture.amount, capture.currency, capture.invoice_id, capture.custom_id)
    if expected != received:
        return "capture {} {} for {} / {} does not match {} {} for {} / {}".format(*received, *expected)
    return ""


def _record(checkout: PayPalCheckout, capture: paypal.Capture) -> tuple[Payment, bool]:
    invoice = checkout.invoice
    # Lock order (order, then invoice) like the back-office does, so the two never deadlock.
    Order.objects.select_for_update().get(pk=invoice.order_id)
    existed = Payment.objects.filter(provider_reference=capture.id).exists()
    payment = record_payment(invoice, method=Payment.Method.PAYPAL, amount=capture.amount,
                             reference=capture.id, provider_reference=capture.id)
    return payment, not existed


def _after_payment(checkout: PayPalCheckout, payment: Payment, *, source: str) -> None:
    """Messages recorded and status changed once: only by the transaction that created the payment."""
    from comptoir.orders.messages import queue_payment_confirmation_messages
    from comptoir.orders.services import change_order_status

    invoice = Invoice.objects.select_related("order").get(pk=checkout.invoice_id)
    order = invoice.order
    if source != "return":
        record_event(order, OrderEvent.Kind.NOTE, text=timeline_text(f"confirmed_{source}"),
                     provider="paypal", source=source, capture=payment.provider_reference)
    if invoice.status != Invoice.Status.PAID:
        return
    queue_payment_confirmation_messages(order, event="received")
    # Flow A: the customer chose PayPal at checkout, so paid means « Complétée ». A payment
    # link (flow C) leaves the status where the merchant put it.
    if order.payment_method == Order.PaymentMethod.PAYPAL and order.status in (
        Order.Status.NEW, Order.Status.AWAITING_PAYMENT
    ):
        try:
            with transaction.atomic():
                change_order_status(order, to=Order.Status.COMPLETED, actor=None)
        except DomainError as error:  # the payment stands; the merchant sets the status
            logger.warning("Order %s not completed after its PayPal payment: %s", order.pk, error)


# --- Failures --------------------------------------------------------------------------------


def record_decline(checkout: PayPalCheckout, *, reason: str, source: str) -> PayPalCheckout:
    with transaction.atomic():
        locked = PayPalCheckout.objects.select_for_update().get(pk=checkout.pk)
        if locked.status in (Status.COMPLETED, Status.DECLINED):
            return locked
        return _decline(locked, reason=reason, source=source)


def _decline(locked: PayPalCheckout, *, reason: str, source: str) -> PayPalCheckout:
    locked.status, locked.last_error = Status.DECLINED, reason[:300]
    locked.save(update_fields=["status", "last_error", "updated_at"])
    record_event(locked.invoice.order, OrderEvent.Kind.PAYMENT_FAILED, provider="paypal", code="declined",
                 reason=timeline_text("declined", amount=locked.amount), detail=reason, source=source,
                 amount=str(locked.amount), paypal_order=locked.paypal_order_id or "")
    return locked


def _needs_attention(locked: PayPalCheckout, *, reason: str, source: str, capture) -> PayPalCheckout:
    """A capture we cannot accept as it is (wrong amount, invoice cancelled…): nothing is paid."""
    logger.error("PayPal checkout %s needs attention: %s", locked.pk, reason)
    locked.status, locked.last_error = Status.NEEDS_ATTENTION, reason[:300]
    locked.save(update_fields=["status", "last_error", "updated_at"])
    record_event(locked.invoice.order, OrderEvent.Kind.PAYMENT_FAILED, provider="paypal", code="mismatch",
                 reason=timeline_text("mismatch", detail=reason[:200]), detail=reason[:300], source=source,
                 capture=capture.id, amount=str(capture.amount), currency=capture.currency)
    return locked


def _record_unsettled_return(checkout: PayPalCheckout, *, reason: str, source: str) -> PayPalCheckout:
    """The payer came back (or a check ran) but PayPal holds no capture: nothing is paid."""
    with transaction.atomic():
        locked = PayPalCheckout.objects.select_for_update().get(pk=checkout.pk)
        error = f"not captured: {reason}"[:300]
        # One timeline entry per distinct situation, however often the return URL is replayed.
        if locked.status != Status.COMPLETED and locked.last_error != error:
            locked.last_error = error
            locked.save(update_fields=["last_error", "updated_at"])
            record_event(locked.invoice.order, OrderEvent.Kind.PAYMENT_FAILED, provider="paypal",
                         code="not_captured", reason=timeline_text("not_captured"), detail=reason,
                         source=source, paypal_order=locked.paypal_order_id or "")
    return locked


def cancel_checkout(checkout: PayPalCheckout) -> None:
    """The payer clicked « cancel » on PayPal: that attempt is over (a new one may start)."""
    PayPalCheckout.objects.filter(pk=checkout.pk, status=Status.CREATED).update(
        status=Status.CANCELLED, updated_at=timezone.now())
