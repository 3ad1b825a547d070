"""Correcting an invoiced order: the invoice stays as issued; a credit note and a new invoice.

Adding, changing or removing a line after the invoice is issued runs in one transaction under
the order → invoice → payment row locks: the line changes (``orders.services`` with
``after_invoice=True``), a credit note credits all the current invoice still carries, and a new
invoice is issued for the corrected order; it becomes the order's current invoice. The payments
received follow to the new invoice (they pay the order; the old invoice is cancelled by its
credit note), so the new invoice's balance is the difference only: what « Envoyer la facture »
and its payment link ask for. When the corrected order is cheaper than what was paid, the
difference is owed to the customer and shown as the amount to refund.
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.invoicing.credit_notes import everything_remaining, issue_partial_credit_note
from comptoir.invoicing.customer_figures import refresh_customer_balance
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_replacement_invoice, mark_invoice_paid
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.services import add_order_line, remove_order_line, update_order_line, update_order_lines

from .models import Payment, Refund
from .refunds import lock_for_refund, order_balances
from .services import update_paid_amount


class CorrectionError(DomainError):
    pass


def correct_add_line(order: Order, *, product, quantity: int, actor, variant=None) -> Invoice:
    with transaction.atomic():
        lock_for_refund(order)
        add_order_line(order, product=product, quantity=quantity, actor=actor, after_invoice=True,
                       variant=variant)
        return _reissue(order, actor=actor)


def correct_update_line(line: OrderLine, *, quantity: int, unit_price_amount, actor) -> Invoice:
    with transaction.atomic():
        lock_for_refund(line.order)
        update_order_line(line, quantity=quantity, unit_price_amount=unit_price_amount, actor=actor,
                          after_invoice=True)
        return _reissue(line.order, actor=actor)


def correct_update_lines(order: Order, *, changes: dict, actor) -> Invoice | None:
    """Several lines of an invoiced order at once: one credit note and one new invoice for all
    the changes (none when nothing changed)."""
    with transaction.atomic():
        lock_for_refund(order)
        if not update_order_lines(order, changes=changes, actor=actor, after_invoice=True):
            return None
        return _reissue(order, actor=actor)


def correct_remove_line(line: OrderLine, *, actor) -> Invoice:
    with transaction.atomic():
        lock_for_refund(line.order)
        remove_order_line(line, actor=actor, after_invoice=True)
        return _reissue(line.order, actor=actor)


def _reissue(order: Order, *, actor) -> Invoice:
    """Credit the current invoice in full, issue the corrected one, move the payments to it."""
    locked_order, old = lock_for_refund(order)  # held already: the rows, not new locks
    if old.credit_notes.exists():
        # Refunded (in part or in full): its credited lines are still order lines, a new invoice
        # would bill them again.
        raise CorrectionError(
            _("Invoice %(reference)s already has a credit note: correct it with « Refund ».")
            % {"reference": old.reference}, code="partly_credited")
    with translation.override(old.language):
        reason = _("Order corrected: replaced by a new invoice")
    issue_partial_credit_note(old, everything_remaining(old), actor=actor, reason=reason,
                              order_number=locked_order.number)
    Invoice.objects.filter(pk=old.pk).update(current_for=None)
    new = issue_replacement_invoice(locked_order, actor=actor, replaces=old)
    Payment.objects.filter(invoice=old).update(invoice=new)
    Refund.objects.filter(invoice=old).update(invoice=new)
    update_paid_amount(old)
    update_paid_amount(new)
    owed = order_balances(locked_order).owed_total
    paid = owed <= 0
    Invoice.objects.filter(pk=new.pk).update(
        status=Invoice.Status.PAID if paid else Invoice.Status.UNPAID,
        paid_at=timezone.now() if paid else None,
    )
    mark_invoice_paid(locked_order, paid)
    refresh_customer_balance(locked_order.pk)
    new.refresh_from_db()
    order.invoice = new
    return new
