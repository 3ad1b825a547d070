"""Recording payments against invoices.

Whether an invoice is paid is derived from its payments: it becomes « Payée » when they cover
its total. Payments never change what the invoice says, only its ``status`` and ``paid_at``.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.i18n import current_language
from comptoir.core.money import ZERO, format_amount, quantize, to_decimal
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import lock_invoice, mark_invoice_paid
from comptoir.orders.events import record_event
from comptoir.orders.models import OrderEvent

from .models import Payment


class PaymentError(DomainError):
    pass


def paid_total(invoice: Invoice) -> Decimal:
    return invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def invoice_balance(invoice: Invoice) -> Decimal:
    """What the customer still owes; nothing on a cancelled invoice (its credit note cancels it)."""
    return invoice.balance_amount


def update_paid_amount(locked: Invoice) -> None:
    """Store the sum of the payments, less the refunds made on it, on the invoice row (locked
    by the caller)."""
    refunded = locked.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    locked.paid_amount = paid_total(locked) - refunded
    locked.save(update_fields=["paid_amount"])


def record_payment(
    invoice: Invoice,
    *,
    method: str,
    amount: Decimal | None = None,
    actor=None,
    reference: str = "",
    provider_reference: str | None = None,
) -> Payment:
    """Record money received for ``invoice``; ``amount=None`` means the whole balance.

    A provider notification can arrive twice (webhook retries, return page and webhook): the
    same ``provider_reference`` returns the payment already recorded and does nothing else.
    """
    with transaction.atomic():
        # The invoice row lock (after its order's, see ``core.locks``) serialises payments of one
        # invoice, so two of them can never both fit in the balance, and a repeated provider
        # notification sees the first one.
        locked = lock_invoice(invoice)
        if provider_reference:
            existing = Payment.objects.filter(provider_reference=provider_reference).first()
            if existing is not None:
                return existing
        amount = _checked_amount(locked, amount)
        reference = _checked_details(method, reference)
        payment = Payment.objects.create(
            invoice=locked, method=method, amount=amount, currency=locked.currency,
            reference=reference, provider_reference=provider_reference or None, actor=actor,
        )
        update_paid_amount(locked)
        if locked.paid_amount >= locked.total_amount:
            # Only the status changes: the invoice's content stays as it was issued.
            locked.status = Invoice.Status.PAID
            locked.paid_at = timezone.now()
            locked.save(update_fields=["status", "paid_at"])
            mark_invoice_paid(locked.order, True)
        record_event(
            locked.order, OrderEvent.Kind.PAYMENT_RECORDED, actor=actor,
            invoice=locked.reference, amount=str(amount), method=method,
            reference=reference, paid=locked.status == Invoice.Status.PAID,
        )
    invoice.status, invoice.paid_at, invoice.paid_amount = locked.status, locked.paid_at, locked.paid_amount
    return payment


def _checked_details(method: str, reference: str) -> str:
    if method not in Payment.Method.values:
        raise PaymentError(_("Choose a valid payment method."), code="invalid_method")
    reference = (reference or "").strip()
    max_length = Payment._meta.get_field("reference").max_length
    if len(reference) > max_length:
        raise PaymentError(
            _("The reference may have at most %(count)s characters.") % {"count": max_length},
            code="reference_too_long",
        )
    return reference


def _checked_amount(invoice: Invoice, amount) -> Decimal:
    if invoice.status == Invoice.Status.CANCELLED:
        raise PaymentError(
            _("Invoice %(reference)s is cancelled: no payment can be recorded.")
            % {"reference": invoice.reference},
            code="cancelled",
        )
    balance = invoice_balance(invoice)
    if invoice.status == Invoice.Status.PAID or balance <= ZERO:
        raise PaymentError(
            _("Invoice %(reference)s is already paid.") % {"reference": invoice.reference},
            code="already_paid",
        )
    if amount is None:
        return balance
    try:
        amount = to_decimal(amount)
        valid = amount.is_finite() and amount == quantize(amount)
    except (InvalidOperation, ValueError, TypeError):
        valid = False
    if not valid or amount <= ZERO:
        raise PaymentError(_("Enter an amount greater than zero, in dollars and cents."),
                           code="invalid_amount")
    if amount > balance:
        raise PaymentError(
            _("The amount is more than the balance of %(balance)s.")
            % {"balance": format_amount(balance, current_language())},
            code="above_balance",
        )
    return amount
