"""« Rembourser »: the credit note and refund rows in one transaction, then PayPal after commit.

``refund_order`` is the service the back-office calls. It records everything in one transaction
(``payments.refunds.record_refund``) and enqueues ``send_refund_task`` for each PayPal refund in
that transaction (database task backend) or on commit (any other backend). ``send_refund`` calls
PayPal's capture refund API outside any transaction with the refund row's ``request_id`` as
``PayPal-Request-Id``: however often it runs (retries, the periodic pass, a click on
« Réessayer »), PayPal refunds once. PayPal's answer (COMPLETED, PENDING, FAILED) is written
under the order → invoice → refund row locks; the PAYMENT.CAPTURE.REFUNDED webhook completes a
pending refund the same way (``complete_from_webhook``).
"""

import logging
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task
from django_tasks_db import DatabaseBackend

from comptoir.core.locks import lock_one
from comptoir.core.money import format_amount
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.messages import queue_credit_note_email
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import lock_invoice
from comptoir.merchant.models import ShopSettings
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Refund
from comptoir.payments.refunds import ManualReturn, record_refund

from . import client as paypal

logger = logging.getLogger(__name__)

Status = Refund.Status
MAX_ATTEMPTS = 8
RETRY_AFTER = timedelta(minutes=5)  # the periodic pass retries a pending refund after this

TEXTS = {
    "completed": gettext_noop("Refund of %(amount)s completed on PayPal (%(refund)s)"),
    "pending": gettext_noop("Refund of %(amount)s pending at PayPal (%(refund)s)"),
    "failed": gettext_noop("PayPal refused the refund of %(amount)s (%(detail)s)"),
}


def refund_order(order: Order, selection: CreditSelection, *, actor, reason: str = "",
                 manual: ManualReturn | None = None, send_email: bool = True):
    """« Rembourser »: credit note, stock, refund rows; PayPal refunds sent after commit."""
    with transaction.atomic():
        credit_note, refunds = record_refund(order, selection, actor=actor, reason=reason, manual=manual)
        for refund in refunds:
            if refund.method == "paypal":
                schedule_send(refund.pk)
    if send_email and credit_note is not None:
        # After commit: the PDF is rendered outside the transaction, then the outbox row written.
        queue_credit_note_email(credit_note, actor=actor)
    return credit_note, refunds


def schedule_send(refund_id: int) -> None:
    if isinstance(send_refund_task.get_backend(), DatabaseBackend):
        send_refund_task.enqueue(refund_id)
    else:
        transaction.on_commit(partial(send_refund_task.enqueue, refund_id), robust=True)


@task()
def send_refund_task(refund_id: int) -> str:
    return send_refund(Refund.objects.get(pk=refund_id))


def send_refund(refund: Refund) -> str:
    """Ask PayPal for ``refund`` (idempotent); returns the refund's status afterwards."""
    if refund.status == Status.COMPLETED or refund.method != "paypal":
        return refund.status
    if refund.status == Status.FAILED and refund.provider_reference:
        return refund.status  # PayPal refused it: a new refund row is the merchant's decision
    Refund.objects.filter(pk=refund.pk).update(attempts=refund.attempts + 1, updated_at=timezone.now())
    invoice = Invoice.objects.get(pk=refund.invoice_id)
    credit_note = CreditNote.objects.filter(pk=refund.credit_note_id).first()
    try:
        answer = paypal.PayPalClient().refund_capture(
            refund.payment.provider_reference, amount=refund.amount, currency=refund.currency,
            request_id=str(refund.request_id), custom_id=str(refund.request_id),
            invoice_id=credit_note.reference if credit_note else invoice.reference,
        )
    except paypal.PayPalUnavailable as error:
        _note_error(refund, error)
        return Status.PENDING
    except paypal.PayPalRejected as error:
        return apply_answer(refund, status="FAILED", refund_id="", detail=error.issue or str(error.status))
    return apply_answer(refund, status=answer.status, refund_id=answer.id, detail="")


def apply_answer(refund: Refund, *, status: str, refund_id: str, detail: str) -> str:
    """Write what PayPal said about ``refund``, once per change, under the lock order."""
    new_status = {"COMPLETED": Status.COMPLETED, "FAILED": Status.FAILED,
                  "CANCELLED": Status.FAILED}.get(status, Status.PENDING)
    with transaction.atomic():
        # Order → invoice → refund row (``core.locks``), like « Rembourser » itself.
        invoice = lock_invoice(Invoice.objects.get(pk=Refund.objects.get(pk=refund.pk).invoice_id))
        locked = lock_one(Refund.objects.all(), refund.pk)
        if locked.status == Status.COMPLETED or (locked.status == new_status and locked.provider_reference):
            return locked.status
        locked.status = new_status
        locked.provider_reference = refund_id or locked.provider_reference
        locked.last_error = detail[:300]
        locked.save(update_fields=["status", "provider_reference", "last_error", "updated_at"])
        record_event(
            invoice.order, OrderEvent.Kind.NOTE, provider="paypal", refund=str(locked.request_id),
            paypal_refund=refund_id, status=new_status, amount=str(locked.amount),
            text=_timeline(new_status, amount=locked.amount, refund=refund_id, detail=detail),
        )
    return new_status


def _timeline(status: str, **params) -> str:
    """Timeline entries are stored as text, in the merchant's language."""
    language = ShopSettings.load().alert_language or settings.LANGUAGE_CODE
    params["amount"] = format_amount(params["amount"], language)
    with translation.override(language):
        return _(TEXTS[status]) % params


def _note_error(refund: Refund, error: Exception) -> None:
    logger.warning("PayPal refund %s: %s", refund.pk, error)
    Refund.objects.filter(pk=refund.pk).update(last_error=str(error)[:300], updated_at=timezone.now())


def retry_pending_refunds(*, older_than: timedelta = RETRY_AFTER, now=None) -> dict[str, int]:
    """The periodic pass: send again the PayPal refunds still pending (lost task, PayPal down),
    and ask PayPal about the ones it answered PENDING."""
    if not paypal.is_configured():
        return {}
    now = now or timezone.now()
    pending = Refund.objects.filter(method="paypal", status=Status.PENDING, attempts__lt=MAX_ATTEMPTS,
                                    updated_at__lte=now - older_than).select_related("payment")
    outcomes: dict[str, int] = {}
    for refund in pending.order_by("pk")[:200]:
        try:
            outcome = check_refund(refund)
        except paypal.PayPalError as error:
            logger.warning("PayPal refund %s not checked: %s", refund.pk, error)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def check_refund(refund: Refund) -> str:
    """A refund PayPal already knows (answered PENDING) is looked up; otherwise sent again."""
    if refund.provider_reference:
        answer = paypal.PayPalClient().get_refund(refund.provider_reference)
        return apply_answer(refund, status=answer.status, refund_id=answer.id, detail="")
    return send_refund(refund)


def complete_from_webhook(resource: dict) -> str | None:
    """PAYMENT.CAPTURE.REFUNDED for a refund we asked for (``custom_id`` is our row's
    ``request_id``): mark it completed. None when the refund is not one of ours."""
    refund_id = str(resource.get("id", ""))
    custom_id = str(resource.get("custom_id", ""))
    refund = Refund.objects.filter(provider_reference=refund_id).first() if refund_id else None
    if refund is None and custom_id:
        refund = Refund.objects.filter(request_id__in=[custom_id] if _is_uuid(custom_id) else []).first()
    if refund is None:
        return None
    status = apply_answer(refund, status=str(resource.get("status", "COMPLETED")), refund_id=refund_id,
                          detail="")
    return f"refund {status}"


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
