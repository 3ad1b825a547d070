"""Issuing invoices and credit notes.

An invoice is a snapshot of its order taken when it is issued: what it prints never comes from
the order, the catalogue or the shop settings afterwards. Only ``status`` and ``paid_at`` change
later (payments, credit note). Numbers come from ``Sequence`` inside the issuing transaction, so
they are consecutive without gaps even when several invoices are issued at once.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.models import Sequence
from comptoir.merchant.models import ShopSettings
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent

from .models import CreditNote, Invoice, InvoiceLine, InvoiceTax
from .periods import check_closed_period


class InvoiceError(DomainError):
    pass


def issue_invoice(order: Order, *, actor=None) -> Invoice:
    """Issue the invoice of ``order`` (« Créer une facture »)."""
    with transaction.atomic():
        # The order row lock serialises two « Créer une facture » on the same order.
        locked = (
            Order.objects.select_for_update(of=("self",))
            .select_related("billing_address", "shipping_address", "customer")
            .get(pk=order.pk)
        )
        lines = list(locked.lines.order_by("position", "id"))
        _check_can_invoice(locked, has_lines=bool(lines))
        invoice = _create_invoice(
            locked, lines=lines, taxes=list(locked.taxes.order_by("position", "id")),
            shop=ShopSettings.load(), actor=actor,
        )
    order.invoice = invoice
    return invoice


def issue_checkout_invoice(order: Order, *, lines, taxes, shop: ShopSettings, actor=None) -> Invoice:
    """Issue the invoice of an order being placed, inside the checkout's transaction.

    The order row was inserted by this same transaction: nobody else can see, lock or invoice it
    before the commit, and ``lines``/``taxes`` are the rows just written. So the lock, the checks
    and the re-reads of ``issue_invoice`` have nothing to protect here.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_checkout_invoice must run inside the checkout transaction")
    invoice = _create_invoice(order, lines=lines, taxes=taxes, shop=shop, actor=actor)
    order.invoice = invoice
    return invoice


def _create_invoice(order: Order, *, lines, taxes, shop: ShopSettings, actor) -> Invoice:
    issued_at = timezone.now()
    in_closed_period = check_closed_period(issued_at, policy=shop.closed_period_policy)
    # Nothing to pay (free goods, nothing taxed): the invoice is settled as it is issued,
    # otherwise the order could never be « Complétée ».
    settled = order.total_amount <= 0
    invoice = Invoice.objects.create(
        order=order,
        number=Sequence.next_value("invoice"),
        issued_at=issued_at,
        status=Invoice.Status.PAID if settled else Invoice.Status.UNPAID,
        paid_at=issued_at if settled else None,
        language=order.language,
        issued_by=actor,
        in_closed_period=in_closed_period,
        **_order_snapshot(order, shop),
    )
    _copy_lines_and_taxes(invoice, lines, taxes)
    if settled:
        mark_invoice_paid(order, True)
    record_event(
        order, OrderEvent.Kind.INVOICE_ISSUED, actor=actor,
        invoice=invoice.reference, total=str(invoice.total_amount),
    )
    return invoice


def _check_can_invoice(order: Order, *, has_lines: bool) -> None:
    if Invoice.objects.filter(order=order).exists():
        raise InvoiceError(
            _("Order %(number)s already has an invoice.") % {"number": order.number},
            code="already_invoiced",
        )
    if order.status == Order.Status.CANCELLED:
        raise InvoiceError(
            _("Order %(number)s is cancelled: it cannot be invoiced.") % {"number": order.number},
            code="cancelled",
        )
    if not has_lines:
        raise InvoiceError(
            _("Order %(number)s has no lines: there is nothing to invoice.") % {"number": order.number},
            code="empty",
        )


def _order_snapshot(order: Order, shop: ShopSettings) -> dict:
    billing = order.billing_address
    shipping = order.shipping_address
    customer = order.customer
    return {
        "merchant": shop.business_snapshot(),
        "customer_name": billing.full_name or customer.full_name or order.email,
        "customer_email": order.email,
        "billing_address": billing.lines(),
        "shipping_address": shipping.lines() if shipping else [],
        "delivery_name_fr": order.delivery_name_fr,
        "delivery_name_en": order.delivery_name_en,
        "payment_method": order.payment_method,
        "subtotal_amount": order.subtotal_amount,
        "shipping_amount": order.shipping_amount,
        "insurance_amount": order.insurance_amount,
        "tax_total": order.tax_total,
        "total_amount": order.total_amount,
        "currency": order.currency,
    }


def _copy_lines_and_taxes(invoice: Invoice, lines, taxes) -> None:
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice, sku=line.sku, description_fr=line.name_fr,
            description_en=line.name_en, quantity=line.quantity,
            unit_price_amount=line.unit_price_amount, amount=line.line_total_amount,
            is_taxable=line.is_taxable, position=position,
        )
        for position, line in enumerate(lines)
    )
    InvoiceTax.objects.bulk_create(
        InvoiceTax(invoice=invoice, code=tax.code, rate=tax.rate, amount=tax.amount, position=position)
        for position, tax in enumerate(taxes)
    )


def issue_credit_note(invoice: Invoice, *, actor=None, reason: str = "") -> CreditNote:
    """Cancel ``invoice`` by a credit note (« note de crédit ») that reverses all of it.

    The credit note's amounts are negative: an invoice plus its credit note add up to zero.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        # Order first, then invoice: the lock order of every service (see payments.services).
        Order.objects.select_for_update().only("pk").get(pk=invoice.order_id)
        locked = Invoice.objects.select_for_update().select_related("order").get(pk=invoice.pk)
        _check_can_credit(locked, reason)
        issued_at = timezone.now()
        in_closed_period = check_closed_period(issued_at, policy=ShopSettings.load().closed_period_policy)
        credit_note = CreditNote.objects.create(
            invoice=locked,
            number=Sequence.next_value("credit_note"),
            issued_at=issued_at,
            in_closed_period=in_closed_period,
            reason=reason,
            subtotal_amount=_negated(locked.subtotal_amount),
            shipping_amount=_negated(locked.shipping_amount),
            insurance_amount=_negated(locked.insurance_amount),
            tax_total=_negated(locked.tax_total),
            total_amount=_negated(locked.total_amount),
            taxes=[
                {"code": tax.code, "rate": str(tax.rate.normalize()), "amount": str(_negated(tax.amount))}
                for tax in locked.taxes.all()
            ],
            issued_by=actor,
        )
        locked.status = Invoice.Status.CANCELLED
        locked.save(update_fields=["status"])
        mark_invoice_paid(locked.order, False)
        record_event(
            locked.order, OrderEvent.Kind.CREDIT_NOTE_ISSUED, actor=actor,
            credit_note=credit_note.reference, invoice=locked.reference,
            total=str(credit_note.total_amount), reason=reason,
        )
    invoice.status = locked.status
    return credit_note


def mark_invoice_paid(order: Order, paid: bool) -> None:
    """Keep ``order.invoice_paid`` equal to its invoice being paid; call it in the transaction
    that changes the invoice's status."""
    Order.objects.filter(pk=order.pk).update(invoice_paid=paid)
    order.invoice_paid = paid


def _negated(amount):
    return -amount if amount else amount  # no « -0.00 »


def _check_can_credit(invoice: Invoice, reason: str) -> None:
    if invoice.status == Invoice.Status.CANCELLED or invoice.credit_notes.exists():
        raise InvoiceError(
            _("Invoice %(reference)s is already cancelled by a credit note.")
            % {"reference": invoice.reference},
            code="already_credited",
        )
    max_length = CreditNote._meta.get_field("reason").max_length
    if len(reason) > max_length:
        raise InvoiceError(
            _("The reason may have at most %(count)s characters.") % {"count": max_length},
            code="reason_too_long",
        )
