"""PayPal webhooks: verify, store once, answer, then settle in a task.

Every event is checked with PayPal's verify-webhook-signature API before anything happens. It is
then stored under PayPal's event id (unique) and answered 200 at once; a repeated event id is
answered 200 and changes nothing. Its processing (which may call PayPal) runs in the task
``tasks.process_webhook_event_task``, on whichever worker takes it:

- it claims the stored row for a lease (``PROCESS_LEASE_SECONDS``), so two workers given the
  same event do not both process it, and marks it processed once done;
- when PayPal or the database is unavailable, or anything else fails, the error is recorded on
  the row and the task is enqueued again after 30 s, 1, 2, 4 … 60 minutes;
- the worker's periodic sweep (``sweep_unprocessed_events``) enqueues again the events whose
  task was lost (the broker was down when it was enqueued, a worker died), for
  ``RETRY_DAYS`` days after they arrived.

Processing is idempotent on its own as well (lock on the attempt, unique capture and refund
references), so events can arrive twice, together, or in any order, and a capture is paid once.
"""

import json
import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from comptoir.core.errors import DomainError
from comptoir.core.locks import lock_one
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import document_text, issue_credit_note, lock_invoice
from comptoir.orders.events import record_event
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import update_paid_amount

from . import client as paypal
from .models import PayPalCheckout, WebhookEvent
from .reconciliation import sync_checkout
from .refunds import complete_from_webhook
from .services import PaymentUnavailable, capture_checkout, record_decline, settle_capture, timeline_text

logger = logging.getLogger(__name__)

PAYPAL_REFUND = gettext_noop("Refunded on PayPal (%(refund)s)")

SIGNATURE_HEADERS = ("PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG",
                     "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO")


class WebhookRejected(Exception):
    """Not a genuine PayPal event: answer 400 and change nothing."""


def receive_webhook(headers, body: bytes) -> str:
    """Verify and store one webhook delivery, and enqueue its processing; returns what was done
    (for the log): "stored" or "duplicate"."""
    signature = {name: headers.get(name, "") for name in SIGNATURE_HEADERS}
    if not all(signature.values()) or not settings.PAYPAL_WEBHOOK_ID:
        raise WebhookRejected("missing signature headers or webhook id")
    try:
        event = json.loads(body)
        event_id, event_type = str(event["id"]), str(event["event_type"])
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookRejected("not a PayPal event") from error
    # PayPalUnavailable propagates: the view answers 503 and PayPal delivers the event again.
    verified = paypal.PayPalClient().verify_webhook_signature(
        headers=signature, event=event, webhook_id=settings.PAYPAL_WEBHOOK_ID)
    if not verified:
        raise WebhookRejected("signature verification failed")
    stored = _store(event, event_id, event_type)
    if stored is None:
        return "duplicate"
    schedule_processing(stored.pk)
    return "stored"


def _store(event: dict, event_id: str, event_type: str) -> WebhookEvent | None:
    """The new row, committed; None when the event id was stored before."""
    resource_id = str((event.get("resource") or {}).get("id", ""))[:100]
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(event_id=event_id, event_type=event_type,
                                               resource_id=resource_id, payload=event)
    except IntegrityError:
        return None  # seen before: its own task (or the sweep) processes it


def schedule_processing(event_pk: int, *, run_after: datetime | None = None) -> None:
    """Enqueue the processing task of a stored event. The row is committed already: if the task
    backend is unreachable (Redis down), the error is logged and the sweep enqueues it later."""
    from .tasks import process_webhook_event_task

    task = process_webhook_event_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep enqueues it when it is due
        task = task.using(run_after=run_after)
    try:
        task.enqueue(event_pk)
    except Exception:  # the stored row is what counts; the sweep tries again
        logger.exception("PayPal webhook %s: could not enqueue its processing", event_pk)


PROCESS_LEASE_SECONDS = 300  # longer than the PayPal calls of one event (time-outs included)
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
RETRY_DAYS = 3
STALE_AFTER_SECONDS = 60  # an event due this long ago that nobody processed is enqueued again


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failed attempt, then 1, 2, 4 … 60 minutes."""
    return timedelta(seconds=min(RETRY_FIRST_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def process_stored_event(event_pk: int, *, now: datetime | None = None) -> str:
    """One processing attempt of a stored event (the task's body); returns what was done,
    "retry" after a failure, or "skipped" when it is processed already, not due or claimed."""
    now = now or timezone.now()
    # The claim is one conditional UPDATE: of two workers given the same event, one updates the
    # row and the other, re-reading it once the first commits, finds it no longer due.
    claimed = WebhookEvent.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), pk=event_pk, processed_at__isnull=True,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=PROCESS_LEASE_SECONDS))
    if not claimed:
        return "skipped"  # processed already, not due yet, or being processed by another worker
    stored = WebhookEvent.objects.get(pk=event_pk)
    try:
        result = process_event(stored.payload)
    except Exception as error:  # PayPal or the database away, or a bug: never lose the event
        if not isinstance(error, (paypal.PayPalError, PaymentUnavailable)):
            logger.exception("PayPal webhook %s: processing failed", stored.event_id)
        retry_at = now + retry_delay(stored.attempts)
        WebhookEvent.objects.filter(pk=event_pk).update(
            next_attempt_at=retry_at, last_error=f"{type(error).__name__}: {error}"[:300])
        logger.warning("PayPal webhook %s not processed (attempt %s), again at %s: %s",
                       stored.event_id, stored.attempts, retry_at.isoformat(), error)
        schedule_processing(event_pk, run_after=retry_at)
        return "retry"
    WebhookEvent.objects.filter(pk=event_pk).update(processed_at=timezone.now(), result=result[:200],
                                                    next_attempt_at=None, last_error="")
    logger.info("PayPal webhook %s: %s", stored.event_id, result)
    return result


def release_event(event_pk: int, now: datetime | None = None) -> bool:
    """The attempt that claimed this event stopped with its worker: due again at once, and
    enqueued. Returns whether the event was still unprocessed."""
    released = WebhookEvent.objects.filter(pk=event_pk, processed_at__isnull=True).update(
        next_attempt_at=now or timezone.now())
    if released:
        schedule_processing(event_pk)
    return bool(released)


def sweep_unprocessed_events(now: datetime | None = None, *, limit: int = 200) -> int:
    """Enqueue again the stored events whose processing is overdue (task lost, worker killed,
    backend without deferred tasks); returns how many were enqueued."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=STALE_AFTER_SECONDS)
    overdue = WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__gte=now - timedelta(days=RETRY_DAYS),
    ).filter(Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, received_at__lte=cutoff))
    with transaction.atomic():
        ids = list(overdue.order_by("received_at", "id").values_list("pk", flat=True)[:limit])
        # Due "now": the next sweeps leave them alone while their task waits in the queue.
        WebhookEvent.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for pk in ids:
        schedule_processing(pk)
    if ids:
        logger.info("PayPal webhooks: %s overdue event(s) enqueued again", len(ids))
    return len(ids)


def process_event(event: dict) -> str:
    event_type = event.get("event_type", "")
    resource = event.get("resource") or {}
    handler = HANDLERS.get(event_type)
    if handler is None:
        return f"ignored {event_type}"
    return handler(resource)


def _on_capture(resource: dict) -> str:
    capture = paypal.Capture.from_resource(resource)
    checkout = _checkout_for(resource)
    if checkout is None:
        return "unknown checkout"
    if capture.status in ("DECLINED", "FAILED"):
        return f"declined: {record_decline(checkout, reason=capture.status, source='webhook').status}"
    return f"capture: {settle_capture(checkout, capture, source='webhook').status}"


def _on_order_approved(resource: dict) -> str:
    checkout = PayPalCheckout.objects.filter(paypal_order_id=str(resource.get("id", ""))).first()
    if checkout is None:
        return "unknown checkout"
    # The payer approved but may never come back to the shop: capture now.
    return f"approved: {capture_checkout(checkout, source='webhook').status}"


def _on_refund(resource: dict) -> str:
    ours = complete_from_webhook(resource)  # a refund asked from « Rembourser »
    if ours is not None:
        return ours
    capture_id = _linked_capture_id(resource)
    checkout = (PayPalCheckout.objects.filter(capture_id=capture_id).first() if capture_id else None)
    checkout = checkout or _checkout_for(resource)
    if checkout is None:
        return "unknown checkout"
    if checkout.status != PayPalCheckout.Status.COMPLETED:
        # The refund overtook the capture's own event: settle the capture first.
        checkout = sync_checkout(checkout, source="webhook")
        if checkout.status != PayPalCheckout.Status.COMPLETED:
            return f"refund before capture: {checkout.status}"
    amount = resource.get("amount") or {}
    return record_refund(checkout, refund_id=str(resource.get("id", "")),
                         amount=Decimal(str(amount.get("value", "0"))))


def record_refund(checkout: PayPalCheckout, *, refund_id: str, amount: Decimal) -> str:
    """A refund made on PayPal: a negative payment, and a credit note when it is total.

    A refund after the invoice was issued is a credit note in Québec; a partial refund only
    records the money and tells the merchant on the timeline (the correction is theirs to make).
    """
    if not refund_id or amount <= 0:
        return "invalid refund"
    with transaction.atomic():
        # The attempt, then the order and the invoice (``core.locks``), like settle_capture.
        locked = lock_one(PayPalCheckout.objects.all(), checkout.pk)
        if Payment.objects.filter(provider_reference=refund_id).exists():
            return "refund already recorded"
        invoice = lock_invoice(locked.invoice)
        Payment.objects.create(invoice=invoice, method=Payment.Method.PAYPAL, amount=-amount,
                               currency=invoice.currency, reference=refund_id,
                               provider_reference=refund_id)
        update_paid_amount(invoice, derive_status=False)
        refunded = -sum(p.amount for p in invoice.payments.filter(method=Payment.Method.PAYPAL,
                                                                   amount__lt=0))
        full = refunded >= locked.amount
        record_event(invoice.order, OrderEvent.Kind.NOTE, provider="paypal", refund=refund_id,
                     amount=str(amount), full_refund=full,
                     text=timeline_text("refund", amount=amount, refund=refund_id))
        if full and invoice.status != Invoice.Status.CANCELLED:
            try:
                with transaction.atomic():
                    issue_credit_note(invoice, reason=document_text(invoice, PAYPAL_REFUND, refund=refund_id))
            except DomainError as error:
                logger.warning("No credit note for refund %s: %s", refund_id, error)
    return "refund recorded"


def _linked_capture_id(resource: dict) -> str:
    for link in resource.get("links") or []:
        if link.get("rel") == "up" and "/captures/" in link.get("href", ""):
            return link["href"].rstrip("/").rsplit("/", 1)[-1]
    return ""


def _checkout_for(resource: dict) -> PayPalCheckout | None:
    """Our attempt for a capture or refund: by ``custom_id`` (ours), else by PayPal order id."""
    custom_id = str(resource.get("custom_id", ""))
    if custom_id:
        try:
            checkout = PayPalCheckout.objects.filter(request_id=uuid.UUID(custom_id)).first()
        except ValueError:  # not a UUID: not one of ours
            checkout = None
        if checkout is not None:
            return checkout
    related = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
    if related:
        return PayPalCheckout.objects.filter(paypal_order_id=str(related)).first()
    return None


HANDLERS = {
    "PAYMENT.CAPTURE.COMPLETED": _on_capture,
    "PAYMENT.CAPTURE.DENIED": _on_capture,
    "PAYMENT.CAPTURE.DECLINED": _on_capture,
    "PAYMENT.CAPTURE.PENDING": _on_capture,
    "PAYMENT.CAPTURE.REFUNDED": _on_refund,
    "CHECKOUT.ORDER.APPROVED": _on_order_approved,
}
