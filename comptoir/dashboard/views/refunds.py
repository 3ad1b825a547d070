"""« Rembourser » (order page), the refunds of an order, « Envoyer par courriel » on credit notes."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.core.money import AmountError, parse_amount
from comptoir.invoicing.credit_notes import CreditSelection, remaining_on
from comptoir.invoicing.messages import queue_credit_note_email
from comptoir.invoicing.models import CreditNote
from comptoir.invoicing.selectors import invoice_of
from comptoir.payments.models import Refund
from comptoir.payments.refunds import MANUAL_METHODS, ManualReturn, order_balances
from comptoir.paypal.client import PayPalError
from comptoir.paypal.refunds import check_refund, refund_order

from ..access import staff_required
from ..labels import ALL_PAYMENT_METHOD_LABELS
from .common import redirect_back
from .orders import _order_or_404, order_context


class BadInput(ValueError):
    pass


@staff_required
def order_refund(request, number: int):
    order = _order_or_404(number)
    invoice = invoice_of(order)
    invoice_tab = reverse("dashboard:order_invoice", args=[number])
    balances = order_balances(order) if invoice is not None else None
    if invoice is None or (invoice.status == "cancelled" and balances.owed_total >= 0):
        messages.error(request, _("There is nothing left to refund on this order."))
        return redirect(invoice_tab)
    if request.method == "POST":
        try:
            selection, manual = _parse(request.POST, invoice)
            note, refunds = refund_order(order, selection, actor=request.user, manual=manual,
                                         reason=request.POST.get("reason", ""))
        except (BadInput, DomainError) as error:
            messages.error(request, str(error))
        else:
            if note is not None:
                messages.success(request, _("Credit note %(reference)s issued; %(count)s refund(s) recorded.")
                                 % {"reference": note.reference, "count": len(refunds)})
            else:
                messages.success(request, _("%(count)s refund(s) recorded.") % {"count": len(refunds)})
            return redirect(invoice_tab)
    remaining = remaining_on(invoice)
    lines = [(line, remaining.quantities[line.pk]) for line in invoice.lines.all()]
    return render(request, "dashboard/orders/refund.html", order_context(
        order, tab="invoice", lines=lines, remaining=remaining, balances=balances,
        owed_to_customer=max(-balances.owed_total, 0), cancelled=invoice.status == "cancelled",
        manual_methods=[(m, ALL_PAYMENT_METHOD_LABELS[m]) for m in MANUAL_METHODS],
        today=timezone.localdate().isoformat(), posted=request.POST,
    ))


def _parse(data, invoice) -> tuple[CreditSelection, ManualReturn | None]:
    lines, restock = {}, set()
    for line in invoice.lines.all():
        raw = (data.get(f"quantity-{line.pk}") or "0").strip()
        if not raw.isdigit() or len(raw) > 4:
            raise BadInput(_("The quantity must be a whole number between 1 and %(max)s.") % {"max": 9999})
        if int(raw):
            lines[line.pk] = int(raw)
            if data.get(f"restock-{line.pk}"):
                restock.add(line.pk)
    amount = _amount(data.get("amount", ""))
    manual = None
    if data.get("method"):
        manual = ManualReturn(method=data["method"], reference=data.get("reference", ""),
                              returned_on=_date(data.get("returned_on", "")))
    return CreditSelection(lines=lines, restock=frozenset(restock), shipping=bool(data.get("shipping")),
                           insurance=bool(data.get("insurance")), amount=amount), manual


def _amount(raw: str) -> Decimal:
    """« 16,95 » or « 16.95 » (``core.money.parse_amount``); empty is no amount."""
    if not raw.strip():
        return Decimal("0")
    try:
        amount = parse_amount(raw)
    except (AmountError, InvalidOperation) as error:
        raise BadInput(_("Enter an amount greater than zero, in dollars and cents.")) from error
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise BadInput(_("Enter an amount greater than zero, in dollars and cents."))
    return amount


def _date(raw: str):
    if not raw.strip():
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError as error:
        raise BadInput(_("Enter a valid date.")) from error


@staff_required
@require_POST
def refund_retry(request, number: int, refund_id: int):
    """« Réessayer »: ask PayPal again about a pending or failed refund (idempotent)."""
    refund = get_object_or_404(Refund.objects.select_related("payment"), pk=refund_id,
                               invoice__order__number=number, method="paypal")
    try:
        status = check_refund(refund)
    except PayPalError as error:  # PayPal unreachable: say so; nothing changed
        messages.error(request, _("PayPal did not answer: try again in a few minutes. (%(error)s)")
                       % {"error": error})
    else:
        messages.info(request, _("Refund status: %(status)s.") % {"status": Refund.Status(status).label})
    return redirect("dashboard:order_invoice", number=number)


@staff_required
@require_POST
def credit_note_send(request, number: int):
    """« Envoyer par courriel » on a credit note: its PDF to the customer through the outbox."""
    credit_note = get_object_or_404(CreditNote.objects.select_related("invoice"), number=number)
    queue_credit_note_email(credit_note, actor=request.user)
    messages.success(request, _("Credit note %(reference)s is on its way to %(email)s.") % {
        "reference": credit_note.reference, "email": credit_note.invoice.customer_email})
    return redirect_back(request, reverse("dashboard:invoice_list"))
