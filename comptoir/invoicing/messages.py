"""The invoice email: the PDF attached, its total and status, and a payment link when unpaid.

The PDF is rendered and stored before the transaction (rendering takes a moment and needs no
lock); the outbox row and the timeline entry are then written together. The email itself is
sent by the notification worker after commit.
"""

import contextlib
import logging
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.notifications.models import Notification
from comptoir.notifications.services import queue_notification
from comptoir.orders.events import record_event
from comptoir.orders.models import OrderEvent

from .models import CreditNote, Invoice
from .pdf import merchant_address_lines, render_credit_note_pdf, render_invoice_pdf

logger = logging.getLogger(__name__)


def queue_invoice_email(invoice: Invoice, *, actor=None, payment_url: str = "") -> Notification:
    """Email ``invoice`` to its customer (the « flèche » menu of the invoice list, or the order).

    ``payment_url``: the online payment page, given by the caller (``payments.messages``) when
    one applies."""
    invoice = Invoice.objects.select_related("order").get(pk=invoice.pk)
    link = payment_url if invoice.status == Invoice.Status.UNPAID else ""
    pdf = render_invoice_pdf(invoice, payment_url=link)
    attachment = _store_pdf(invoice.reference, invoice.language, pdf)
    context = _document_context(invoice)
    context["invoice"].update(_payment_state(invoice))
    context["payment_url"] = link or ""
    with _removed_on_failure(attachment), transaction.atomic():
        notification = _queue(invoice, template="invoice", context=context, attachment=attachment)
        record_event(
            invoice.order, OrderEvent.Kind.INVOICE_SENT, actor=actor, invoice=invoice.reference,
            recipient=invoice.customer_email, notification=notification.pk,
            payment_link=bool(link),
        )
    return notification


def queue_credit_note_email(credit_note: CreditNote, *, actor=None) -> Notification:
    """Email a credit note to the customer of its invoice."""
    credit_note = CreditNote.objects.select_related("invoice__order").get(pk=credit_note.pk)
    invoice = credit_note.invoice
    attachment = _store_pdf(credit_note.reference, invoice.language, render_credit_note_pdf(credit_note))
    context = _document_context(invoice)
    context["credit_note"] = {
        "reference": credit_note.reference,
        "issued_on": _long_date(credit_note.issued_at, invoice.language),
        "total": str(credit_note.total_amount),
        "reason": credit_note.reason,
        "in_full": credit_note.total_amount == -invoice.total_amount,
    }
    with _removed_on_failure(attachment), transaction.atomic():
        notification = _queue(invoice, template="credit_note", context=context, attachment=attachment)
        # The timeline has no kind for this; a note in the language of the person sending it.
        text = _("Credit note %(reference)s sent by email to %(recipient)s") % {
            "reference": credit_note.reference, "recipient": invoice.customer_email,
        }
        record_event(
            invoice.order, OrderEvent.Kind.NOTE, actor=actor, text=text,
            credit_note=credit_note.reference, notification=notification.pk,
        )
    return notification


def _queue(invoice: Invoice, *, template: str, context: dict, attachment: dict) -> Notification:
    merchant = invoice.merchant
    return queue_notification(
        channel=Notification.Channel.EMAIL, template=template, recipient=invoice.customer_email,
        language=invoice.language, context=context,
        # Each click on « envoyer » is a new email: the key is unique per send.
        dedupe_key=f"{template}:{invoice.pk}:send:{uuid.uuid4().hex}",
        reference=f"order:{invoice.order_id}", attachments=[attachment],
        sender_name=merchant.get("trade_name") or merchant.get("legal_name", ""),
        reply_to=merchant.get("email", ""),
    )


class DocumentNotStored(DomainError):
    """The PDF could not be written to the media storage (full disk, no permission…)."""


def _store_pdf(reference: str, language: str, pdf: bytes) -> dict:
    """Write the PDF to the media storage. A failed write (a full disk) leaves no file behind
    and raises ``DocumentNotStored``: nothing is queued, the page says why."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    # An unguessable part: media files may be served by URL, and an invoice is personal data.
    name = f"invoices/{reference}-{language}-{stamp}-{secrets.token_hex(16)}.pdf"
    try:
        path = default_storage.save(name, ContentFile(pdf))
    except OSError as error:
        # The storage may have created the file before the write failed: an empty or partial
        # PDF must not stay (the name is unique, so it is this attempt's file).
        _delete_quietly(name)
        logger.error("PDF %s not stored: %s", reference, error)
        raise DocumentNotStored(
            _("The PDF of %(reference)s could not be saved: the server's disk is full or cannot be "
              "written to. Nothing was sent. Try again once the server has free space.")
            % {"reference": reference},
            code="document_not_stored",
        ) from error
    return {"filename": f"{reference}.pdf", "content_type": "application/pdf", "path": path}


@contextlib.contextmanager
def _removed_on_failure(attachment: dict):
    """A stored PDF whose message could not be queued is removed: no orphan file."""
    try:
        yield
    except BaseException:
        _delete_quietly(attachment["path"])
        raise


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not remove the unfinished file %s", name)


def _document_context(invoice: Invoice) -> dict:
    """JSON data for the message templates (amounts as strings, dates already formatted)."""
    order = invoice.order
    with translation.override(invoice.language):
        order_url = settings.SITE_URL + order.get_customer_url()
    return {
        "shop": _shop_data(invoice.merchant),
        "customer": {"name": invoice.customer_name},
        "order": {"number": order.number, "url": order_url},
        "invoice": {
            "reference": invoice.reference,
            "issued_on": _long_date(invoice.issued_at, invoice.language),
            "total": str(invoice.total_amount),
            "currency": invoice.currency,
        },
    }


def _payment_state(invoice: Invoice) -> dict:
    order = invoice.order
    return {
        "status": invoice.status,
        "paid_on": _long_date(invoice.paid_at, invoice.language) if invoice.paid_at else "",
        "balance": str(invoice.balance_amount),
        "payment_instructions": order.payment_instructions if invoice.status == Invoice.Status.UNPAID else "",
    }


def _shop_data(merchant: dict) -> dict:
    """The merchant as the invoice states it, in the shape the shared email layout expects."""
    legal_name, trade_name = merchant.get("legal_name", ""), merchant.get("trade_name", "")
    return {
        "legal_name": legal_name, "display_name": trade_name or legal_name,
        "trade_name": trade_name if trade_name != legal_name else "",
        "address": merchant_address_lines(merchant),
        "phone": merchant.get("phone", ""), "email": merchant.get("email", ""),
        "website": merchant.get("website", ""), "gst_number": merchant.get("gst_number", ""),
        "qst_number": merchant.get("qst_number", ""),
    }


def _long_date(moment, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(moment), "DATE_FORMAT")
