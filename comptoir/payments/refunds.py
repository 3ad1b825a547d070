"""Refunds: a credit note, and the money going back by the method it came in.

``record_refund`` runs in one transaction under the order → invoice → payment row locks: it
issues the credit note (``invoicing.credit_notes``), puts the chosen lines back in stock, and
writes one ``Refund`` row per way the money goes back. A PayPal refund is written ``pending``:
PayPal is called after commit (``comptoir.paypal.refunds``). Cheque, transfer, cash and terminal
refunds are written ``completed`` with how the merchant gave the money back.

The amounts, per order (every invoice the order had, and their credit notes):
    collected   = Σ payments − Σ refunds            (reversed payments left out; refunds pending,
                                                    failed or completed)
    owed        = Σ invoices − Σ credit notes − collected
A credit note lowers ``owed``; the money to give back is what was collected beyond what is now
invoiced, never more than the credit note: min(credit note, max(0, −owed)). So a refund never
exceeds what was paid minus what was already refunded.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.locks import lock
from comptoir.core.money import ZERO, format_amount, quantize
from comptoir.invoicing.credit_notes import CreditSelection, issue_partial_credit_note
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import lock_order_invoices
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent

from .models import Payment, Refund
from .services import update_paid_amount

MANUAL_METHODS = (Payment.Method.CHEQUE, Payment.Method.MONEY_ORDER, Payment.Method.BANK_TRANSFER,
                  Payment.Method.CASH, Payment.Method.TERMINAL)


class RefundError(DomainError):
    pass


@dataclass(frozen=True)
class ManualReturn:
    """How the merchant gave money back outside PayPal."""

    method: str
    reference: str = ""
    returned_on: datetime.date | None = None


@dataclass(frozen=True)
class Balances:
    invoiced_total: Decimal  # Σ invoices − Σ credit notes
    paid_total: Decimal
    refunded_total: Decimal

    @property
    def collected_total(self) -> Decimal:
        return self.paid_total - self.refunded_total

    @property
    def owed_total(self) -> Decimal:
        """Positive: the balance due; negative: what the shop owes the customer."""
        return self.invoiced_total - self.collected_total


def order_balances(order: Order) -> Balances:
    invoices = Invoice.objects.filter(order=order)
    invoiced = invoices.aggregate(total=Sum("total_amount"))["total"] or ZERO
    credited = CreditNote.objects.filter(invoice__order=order).aggregate(total=Sum("total_amount"))["total"]
    paid = Payment.objects.filter(invoice__order=order, reversed_at__isnull=True).aggregate(
        total=Sum("amount"))["total"] or ZERO
    refunded = Refund.objects.filter(invoice__order=order).aggregate(total=Sum("amount"))["total"] or ZERO
    # Quantized: SQLite sums decimals as floating point.
    return Balances(invoiced_total=quantize(invoiced + (credited or ZERO)), paid_total=quantize(paid),
                    refunded_total=quantize(refunded))


def refundable_by_payment(order: Order) -> list[tuple[Payment, Decimal]]:
    """Each payment received and what of it can still go back (its amount minus its refunds)."""
    payments = list(Payment.objects.filter(invoice__order=order, amount__gt=0, reversed_at__isnull=True)
                    .order_by("pk"))
    refunded = dict(Refund.objects.filter(payment__in=payments).values_list("payment")
                    .annotate(total=Sum("amount")).values_list("payment", "total"))
    return [(payment, payment.amount - refunded.get(payment.pk, ZERO)) for payment in payments]


def lock_for_refund(order: Order) -> tuple[Order, Invoice]:
    """Order → its invoices → their payment rows (``core.locks``); returns the current invoice."""
    locked_order, invoices = lock_order_invoices(order)
    invoice = next((i for i in invoices if i.current_for_id == locked_order.pk), None)
    if invoice is None:
        raise RefundError(_("This order has no invoice: there is nothing to refund."), code="no_invoice")
    lock(Payment.objects.filter(invoice__order=locked_order))
    invoice.order = locked_order
    return locked_order, invoice


def record_refund(order: Order, selection: CreditSelection, *, actor, reason: str = "",
                  manual: ManualReturn | None = None) -> tuple[CreditNote | None, list[Refund]]:
    """Issue the credit note of ``selection`` and the refunds it calls for; the caller holds a
    transaction (``comptoir.paypal.refunds.refund_order`` is the service views call). An empty
    selection refunds what the shop already owes, without a new credit note."""
    locked, invoice = lock_for_refund(order)
    if selection.is_empty:
        # Nothing more to credit: give back what is owed already (a cancelled paid order, a
        # correction that lowered the total, an overpayment).
        credit_note = None
        to_return = max(ZERO, -order_balances(locked).owed_total)
        if not to_return:
            raise RefundError(_("Choose what to credit: lines, the delivery fee or an amount."), code="empty")
    else:
        credit_note = issue_partial_credit_note(invoice, selection, actor=actor, reason=reason,
                                                order_number=locked.number)
        balances = order_balances(locked)
        to_return = min(-credit_note.total_amount, max(ZERO, -balances.owed_total))
    refunds = _split(invoice, credit_note, to_return, manual=manual, actor=actor)
    document = credit_note.reference if credit_note else invoice.reference
    for refund in refunds:
        record_event(
            locked, OrderEvent.Kind.NOTE, actor=actor, refund=str(refund.request_id), method=refund.method,
            amount=str(refund.amount), status=refund.status, credit_note=document,
            text=_("Refund of %(amount)s (%(credit_note)s)") % {
                "amount": format_amount(refund.amount), "credit_note": document},
        )
    return credit_note, refunds


def _split(invoice: Invoice, credit_note: CreditNote | None, amount: Decimal, *, manual,
           actor) -> list[Refund]:
    """PayPal payments go back through PayPal first; the rest by the merchant's chosen method."""
    refunds = []
    for payment, left in refundable_by_payment(invoice.order):
        if amount <= 0:
            break
        if payment.method != Payment.Method.PAYPAL or not payment.provider_reference or left <= 0:
            continue
        part = min(left, amount)
        refunds.append(Refund(invoice=invoice, credit_note=credit_note, payment=payment, amount=part,
                              method=Payment.Method.PAYPAL, currency=invoice.currency,
                              status=Refund.Status.PENDING, actor=actor))
        amount -= part
    if amount > 0:
        if manual is None or manual.method not in MANUAL_METHODS:
            raise RefundError(
                _("Say how the %(amount)s were given back (method, reference and date).")
                % {"amount": format_amount(amount)}, code="manual_details")
        reference_length = Refund._meta.get_field("reference").max_length
        if len(manual.reference) > reference_length:
            raise RefundError(_("The reference may have at most %(count)s characters.")
                              % {"count": reference_length}, code="reference_too_long")
        refunds.append(Refund(invoice=invoice, credit_note=credit_note, amount=amount, method=manual.method,
                              currency=invoice.currency, reference=manual.reference.strip(),
                              returned_on=manual.returned_on, status=Refund.Status.COMPLETED, actor=actor))
    for refund in refunds:
        refund.save()
    update_paid_amount(invoice)
    return refunds
