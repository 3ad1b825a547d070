"""Recording payments against invoices, and reversing them.

Whether an invoice is paid is derived from its payments: it becomes « Payée » when the payments
that count (not reversed) cover its total, and unpaid again when a reversal leaves a balance.
Payments never change what the invoice says, only its ``status``, ``paid_at`` and
``paid_amount``. Money received beyond the total (a confirmed overpayment) stays on the invoice
as a credit to refund (``Invoice.credit_amount``).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.i18n import current_language
from comptoir.core.locks import lock_one
from comptoir.core.money import ZERO, format_amount, quantize, to_decimal
from comptoir.invoicing.customer_figures import refresh_customer_balance
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import lock_invoice, mark_invoice_paid
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.services import reopen_for_payment

from .cards import contains_card_number
from .models import CardBrand, Payment

MAX_AMOUNT = Decimal("1e10")


class PaymentError(DomainError):
    pass


def paid_total(invoice: Invoice) -> Decimal:
    """The sum of the payments that count (refunds negative, reversed payments left out)."""
    payments = invoice.payments.filter(reversed_at__isnull=True)
    # Quantized: SQLite sums decimals as floating point.
    return quantize(payments.aggregate(total=Sum("amount"))["total"] or ZERO)


def invoice_balance(invoice: Invoice) -> Decimal:
    """What the customer still owes; nothing on a cancelled invoice (its credit note cancels it)."""
    return invoice.balance_amount


def update_paid_amount(locked: Invoice, *, derive_status: bool = True) -> None:
    """Store the payments less the refunds on the invoice row (locked by the caller) and derive
    its status from it: « Payée » when they cover what is owed (the total less its credit notes),
    unpaid when they no longer do.

    ``derive_status=False`` for money going back without a credit note issued with it: the
    invoice stays as it is until a credit note says what is no longer owed."""
    refunded = locked.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    locked.paid_amount = paid_total(locked) - quantize(refunded)
    fields = ["paid_amount"]
    if derive_status and locked.status != Invoice.Status.CANCELLED:
        paid = locked.paid_amount >= locked.total_amount - locked.credited_amount
        if paid != (locked.status == Invoice.Status.PAID):
            locked.status = Invoice.Status.PAID if paid else Invoice.Status.UNPAID
            locked.paid_at = timezone.now() if paid else None
            fields += ["status", "paid_at"]
            mark_invoice_paid(locked.order, paid)
    locked.save(update_fields=fields)
    refresh_customer_balance(locked.order_id)


def record_payment(
    invoice: Invoice,
    *,
    method: str,
    amount: Decimal | None = None,
    actor=None,
    received_on: datetime.date | None = None,
    reference: str = "",
    confirm_overpayment: bool = False,
    provider_reference: str | None = None,
    card_brand: str = "",
    card_last4: str = "",
    authorization_code: str = "",
) -> Payment:
    """Record money received for ``invoice``; ``amount=None`` means the whole balance.

    An amount above the balance is refused unless ``confirm_overpayment``: then the excess is
    kept as a credit to refund. A provider notification can arrive twice (webhook retries,
    return page and webhook): the same ``provider_reference`` returns the payment already
    recorded and does nothing else.

    ``card_brand``, ``card_last4``, ``authorization_code``: what the receipt of the shop's terminal
    shows (method « Terminal du magasin » only). A full card number typed in them, or in the
    reference of a terminal payment, is refused before anything is written.
    """
    card = _checked_card_details(method, reference=reference, card_brand=card_brand,
                                 card_last4=card_last4, authorization_code=authorization_code)
    with transaction.atomic():
        # The invoice row lock (after its order's, see ``core.locks``) serialises payments of one
        # invoice, so two of them can never both fit in the balance, and a repeated provider
        # notification sees the first one.
        locked = lock_invoice(invoice)
        if provider_reference:
            existing = Payment.objects.filter(provider_reference=provider_reference).first()
            if existing is not None:
                return existing
        amount = _checked_amount(locked, amount, confirm_overpayment=confirm_overpayment)
        reference = _checked_details(method, reference)
        received_on = _checked_date(received_on)
        payment = Payment.objects.create(
            invoice=locked, method=method, amount=amount, currency=locked.currency,
            reference=reference, received_on=received_on,
            provider_reference=provider_reference or None, actor=actor, **card,
        )
        update_paid_amount(locked)
        record_event(
            locked.order, OrderEvent.Kind.PAYMENT_RECORDED, actor=actor,
            invoice=locked.reference, amount=str(amount), method=method, reference=reference,
            received_on=received_on.isoformat(), paid=locked.status == Invoice.Status.PAID,
            balance=str(locked.balance_amount), credit=str(locked.credit_amount),
            **{name: value for name, value in card.items() if value},
        )
    _copy_state(invoice, locked)
    return payment


def reverse_payment(payment: Payment, *, reason: str, actor) -> Payment:
    """A payment that did not go through (a returned or NSF cheque): it stops counting, the
    invoice is unpaid again if a balance is left, and an order « Complétée » goes back to
    « En attente du paiement ». The payment row stays, with the reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked_invoice = lock_invoice(payment.invoice)
        locked = lock_one(Payment.objects.all(), payment.pk)
        _check_reversal(locked, reason)
        locked.reversed_at, locked.reversal_reason, locked.reversed_by = timezone.now(), reason, actor
        locked.save(update_fields=["reversed_at", "reversal_reason", "reversed_by"])
        was_paid = locked_invoice.status == Invoice.Status.PAID
        update_paid_amount(locked_invoice)
        order = locked_invoice.order
        record_event(
            order, OrderEvent.Kind.PAYMENT_REVERSED, actor=actor, invoice=locked_invoice.reference,
            amount=str(locked.amount), method=locked.method, reference=locked.reference,
            reason=reason, balance=str(locked_invoice.balance_amount),
        )
        reopened = was_paid and locked_invoice.status == Invoice.Status.UNPAID
        if reopened and order.status == Order.Status.COMPLETED:
            reopen_for_payment(order, actor=actor, reason=reason)
    _copy_state(payment.invoice, locked_invoice)
    payment.reversed_at, payment.reversal_reason = locked.reversed_at, locked.reversal_reason
    return payment


def _copy_state(invoice: Invoice, locked: Invoice) -> None:
    invoice.status, invoice.paid_at, invoice.paid_amount = locked.status, locked.paid_at, locked.paid_amount


def _check_reversal(payment: Payment, reason: str) -> None:
    if payment.is_reversed:
        raise PaymentError(_("This payment is already reversed."), code="already_reversed")
    if payment.method == Payment.Method.PAYPAL or payment.amount < 0:
        raise PaymentError(
            _("A PayPal payment or a refund is not reversed here: refund it instead."), code="not_reversible"
        )
    if not reason:
        raise PaymentError(_("Give the reason of the reversal (for example: cheque returned)."),
                           code="reason_required")
    max_length = Payment._meta.get_field("reversal_reason").max_length
    if len(reason) > max_length:
        raise PaymentError(
            _("The reason may have at most %(count)s characters.") % {"count": max_length},
            code="reason_too_long",
        )


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


def _checked_card_details(method: str, *, reference: str, card_brand: str, card_last4: str,
                          authorization_code: str) -> dict:
    card_brand, card_last4 = (card_brand or "").strip(), (card_last4 or "").strip()
    authorization_code = (authorization_code or "").strip()
    # The reference too when the card was in the customer's hands at the shop (a bank's or
    # PayPal's reference of another method may be a long number that passes the Luhn check).
    at_terminal = method in (Payment.Method.TERMINAL, Payment.Method.UNSPECIFIED)
    texts = (reference, card_last4, authorization_code) if at_terminal else (card_last4, authorization_code)
    if any(contains_card_number(text) for text in texts):
        raise PaymentError(_(
            "This looks like a full card number: it is never recorded. Keep only the last 4 digits "
            "and the authorization number of the terminal's receipt."
        ), code="card_number")
    if (card_brand or card_last4 or authorization_code) and method != Payment.Method.TERMINAL:
        raise PaymentError(_("Card details are only recorded for a payment at the shop's terminal."),
                           code="card_details_method")
    if card_brand not in CardBrand.values and card_brand:
        raise PaymentError(_("Choose a card brand from the list."), code="card_brand")
    if card_last4 and not (len(card_last4) == 4 and card_last4.isascii() and card_last4.isdigit()):
        raise PaymentError(_("Give exactly the last 4 digits of the card."), code="card_last4")
    if authorization_code and not (
        len(authorization_code) <= 20 and authorization_code.isascii()
        and authorization_code.replace(" ", "").replace("-", "").isalnum()
    ):
        raise PaymentError(_("An authorization number has at most 20 letters or digits."),
                           code="authorization_code")
    return {"card_brand": card_brand, "card_last4": card_last4, "authorization_code": authorization_code}


def _checked_date(received_on) -> datetime.date:
    today = timezone.localdate()
    if received_on is None:
        return today
    if not isinstance(received_on, datetime.date) or received_on > today:
        raise PaymentError(_("The date received cannot be in the future."), code="future_date")
    return received_on


def _checked_amount(invoice: Invoice, amount, *, confirm_overpayment: bool) -> Decimal:
    if invoice.status == Invoice.Status.CANCELLED:
        raise PaymentError(
            _("Invoice %(reference)s is cancelled: no payment can be recorded.")
            % {"reference": invoice.reference},
            code="cancelled",
        )
    balance = invoice.balance_amount
    if balance <= ZERO and not confirm_overpayment:
        raise PaymentError(
            _("Invoice %(reference)s is already paid.") % {"reference": invoice.reference},
            code="already_paid",
        )
    if amount is None:
        amount = balance
    try:
        amount = to_decimal(amount)
        valid = amount.is_finite() and amount == quantize(amount) and amount < MAX_AMOUNT
    except (InvalidOperation, ValueError, TypeError):
        valid = False
    if not valid or amount <= ZERO:
        raise PaymentError(_("Enter an amount greater than zero, in dollars and cents."),
                           code="invalid_amount")
    if amount > balance and not confirm_overpayment:
        raise PaymentError(
            _("The amount is more than the balance of %(balance)s: to record it anyway, confirm "
              "the overpayment (the difference will be a credit to refund).")
            % {"balance": format_amount(balance, current_language())},
            code="above_balance",
        )
    return quantize(amount)
