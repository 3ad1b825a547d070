"""What a credit note credits, and issuing it.

A credit note credits part of an issued invoice: quantities of its lines, what remains of its
delivery or insurance fee, or an amount before taxes. A line is credited for what was paid for
it: its list price less its share of the promotions (``InvoiceLine.discount_amount``, spread over
its quantity so that the parts credited one after the other add up to it exactly). Its taxes
are computed by ``taxes.services.compute_taxes`` on the credited taxable amount — the taxable
lines, plus the taxable share of a credited fee or amount, split like the invoice's fees in
proportion of its goods (``taxes.services.split_fees``) — with the province, the rates and the
registrations of the invoice (its issue date picks the rates). The credit note that
credits everything an invoice still carries (a cancellation, or the last part of a refund)
takes what remains of each tax instead, so that an invoice and its credit notes always add up
to zero exactly, whatever the roundings of the partial notes were.

The caller holds the order and invoice row locks (``issue_partial_credit_note`` runs inside its
transaction); what was already credited is read under those locks, so two credit notes can
never both credit the same quantity.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import StockMovement
from comptoir.catalog.stock import change_stock, lock_stock_rows, stock_key
from comptoir.core.errors import DomainError
from comptoir.core.models import Sequence
from comptoir.core.money import ZERO, format_amount, quantize
from comptoir.merchant.models import ShopSettings
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.taxes.models import TaxStatus
from comptoir.taxes.services import TaxedGoods, compute_taxes, split_fees

from .customer_figures import refresh_customer_balance
from .models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from .periods import check_closed_period

Kind = CreditNoteLine.Kind


class CreditError(DomainError):
    pass


@dataclass(frozen=True)
class CreditSelection:
    """What to credit. ``lines``: invoice line id → quantity; ``restock``: the invoice line ids
    whose credited quantity goes back in stock; ``amount``: an amount before taxes."""

    lines: dict[int, int] = field(default_factory=dict)
    restock: frozenset[int] = frozenset()
    shipping: bool = False
    insurance: bool = False
    amount: Decimal = ZERO

    @property
    def is_empty(self) -> bool:
        return not any(self.lines.values()) and not self.shipping and not self.insurance and not self.amount


@dataclass
class Remaining:
    """What an invoice still carries after its credit notes (positive amounts)."""

    quantities: dict[int, int]
    shipping_amount: Decimal
    insurance_amount: Decimal
    subtotal_amount: Decimal
    taxes: dict[str, Decimal]
    total_amount: Decimal


def remaining_on(invoice: Invoice) -> Remaining:
    lines = list(invoice.lines.all())
    credited = dict(
        CreditNoteLine.objects.filter(credit_note__invoice=invoice, invoice_line__isnull=False)
        .values_list("invoice_line").annotate(total=Sum("quantity")).values_list("invoice_line", "total")
    )
    notes = list(invoice.credit_notes.all())
    taxes = {tax.code: tax.amount for tax in invoice.taxes.all()}
    for note in notes:
        for tax in note.taxes:
            taxes[tax["code"]] = taxes.get(tax["code"], ZERO) + Decimal(tax["amount"])
    return Remaining(
        quantities={line.pk: line.quantity - credited.get(line.pk, 0) for line in lines},
        shipping_amount=invoice.shipping_amount + sum((n.shipping_amount for n in notes), ZERO),
        insurance_amount=invoice.insurance_amount + sum((n.insurance_amount for n in notes), ZERO),
        subtotal_amount=invoice.subtotal_amount + sum((n.subtotal_amount for n in notes), ZERO),
        taxes=taxes,
        total_amount=invoice.total_amount + sum((n.total_amount for n in notes), ZERO),
    )


def everything_remaining(invoice: Invoice, *, restock: bool = False) -> CreditSelection:
    remaining = remaining_on(invoice)
    lines = {pk: quantity for pk, quantity in remaining.quantities.items() if quantity > 0}
    return CreditSelection(
        lines=lines, restock=frozenset(lines) if restock else frozenset(),
        shipping=remaining.shipping_amount > 0, insurance=remaining.insurance_amount > 0,
    )


def issue_partial_credit_note(invoice: Invoice, selection: CreditSelection, *, actor, reason: str = "",
                              order_number: int) -> CreditNote:
    """Issue the credit note of ``selection`` on ``invoice`` (locked by the caller), restock
    the chosen lines (products locked by ascending id) and write the timeline entry."""
    reason = _checked_reason(reason)
    if invoice.status == Invoice.Status.CANCELLED:
        raise CreditError(_("Invoice %(reference)s is already cancelled by a credit note.")
                          % {"reference": invoice.reference}, code="already_credited")
    if selection.is_empty:
        raise CreditError(_("Choose what to credit: lines, the delivery fee or an amount."), code="empty")
    remaining = remaining_on(invoice)
    rows = _credited_rows(invoice, selection, remaining)
    goods = sum((-row.amount for row in rows if row.kind in (Kind.GOODS, Kind.AMOUNT)), ZERO)
    shipping = sum((-row.amount for row in rows if row.kind == Kind.SHIPPING), ZERO)
    insurance = sum((-row.amount for row in rows if row.kind == Kind.INSURANCE), ZERO)
    discount = sum((-row.discount_amount for row in rows), ZERO)
    completes = _credits_everything(selection, remaining)
    if completes:
        taxes = {code: amount for code, amount in remaining.taxes.items()}
        goods = remaining.subtotal_amount
    else:
        taxes = _taxes_on(invoice, rows, remaining)
    total = goods + shipping + insurance + sum(taxes.values(), ZERO)
    if total > remaining.total_amount:
        raise CreditError(
            _("The credit note would be more than what remains on invoice %(reference)s (%(amount)s).")
            % {"reference": invoice.reference, "amount": format_amount(remaining.total_amount)},
            code="above_remaining",
        )
    issued_at = timezone.now()
    in_closed_period = check_closed_period(issued_at, policy=ShopSettings.load().closed_period_policy)
    note = CreditNote.objects.create(
        invoice=invoice, number=Sequence.next_value("credit_note"), issued_at=issued_at,
        in_closed_period=in_closed_period, reason=reason, subtotal_amount=_negated(goods),
        shipping_amount=_negated(shipping),
        insurance_amount=_negated(insurance), discount_amount=_negated(discount),
        tax_total=_negated(sum(taxes.values(), ZERO)),
        total_amount=_negated(total),
        taxes=[{"code": code, "rate": _rate_of(invoice, code), "amount": str(_negated(amount))}
               for code, amount in taxes.items()],
        issued_by=actor,
    )
    for position, row in enumerate(rows):
        row.credit_note, row.position = note, position
    CreditNoteLine.objects.bulk_create(rows)
    _restock([row for row in rows if row.restocked], order_number=order_number, actor=actor)
    invoice.credited_amount -= note.total_amount
    invoice.save(update_fields=["credited_amount"])
    if completes:
        invoice.status = Invoice.Status.CANCELLED
        invoice.save(update_fields=["status"])
        Order.objects.filter(pk=invoice.order_id).update(invoice_paid=False)
    refresh_customer_balance(invoice.order_id)
    record_event(
        invoice.order, OrderEvent.Kind.CREDIT_NOTE_ISSUED, actor=actor, credit_note=note.reference,
        invoice=invoice.reference, total=str(note.total_amount), reason=reason,
        restocked=[row.sku for row in rows if row.restocked],
    )
    return note


def _credited_rows(invoice: Invoice, selection: CreditSelection,
                   remaining: Remaining) -> list[CreditNoteLine]:
    lines = {line.pk: line for line in invoice.lines.all()}
    rows = []
    for line_id, quantity in sorted(selection.lines.items()):
        if not quantity:
            continue
        line = lines.get(line_id)
        if line is None:
            raise CreditError(_("This line is not on invoice %(reference)s.")
                              % {"reference": invoice.reference}, code="no_line")
        left = remaining.quantities[line_id]
        if not 0 < quantity <= left:
            raise CreditError(
                _("« %(line)s »: %(count)s left to credit.") % {"line": line.description, "count": left},
                code="above_quantity",
            )
        before = line.quantity - left  # already credited
        discount = (_discount_share(line, before + quantity) - _discount_share(line, before))
        amount = line.amount if quantity == line.quantity else (
            quantize(line.unit_price_amount * quantity) - discount)
        rows.append(_row(Kind.GOODS, line=line, quantity=quantity, unit=line.unit_price_amount,
                         amount=amount, status=line.tax_status, discount=discount,
                         restocked=line_id in selection.restock))
    for wanted, kind, left in ((selection.shipping, Kind.SHIPPING, remaining.shipping_amount),
                               (selection.insurance, Kind.INSURANCE, remaining.insurance_amount)):
        if wanted:
            if left <= 0:
                raise CreditError(_("This fee is already credited."), code="fee_credited")
            rows.append(_row(kind, quantity=1, unit=left, amount=left, status=_fee_status(invoice)))
    if selection.amount:
        amount = quantize(selection.amount)
        if amount <= 0 or amount != selection.amount:
            raise CreditError(_("Enter an amount greater than zero, in dollars and cents."), code="amount")
        rows.append(_row(Kind.AMOUNT, quantity=1, unit=amount, amount=amount, status=_fee_status(invoice)))
    return rows


def _discount_share(line: InvoiceLine, quantity: int) -> Decimal:
    """The part of the line's discount that goes with its first ``quantity`` units."""
    if quantity >= line.quantity:
        return line.discount_amount
    return quantize(line.discount_amount * quantity / line.quantity)


def _row(kind, *, quantity, unit, amount, status, line: InvoiceLine | None = None, restocked=False,
         discount=ZERO):
    labels = {Kind.SHIPPING: ("Livraison", "Delivery"), Kind.INSURANCE: ("Assurance", "Insurance"),
              Kind.AMOUNT: ("Montant crédité", "Amount credited")}
    description_fr, description_en = (
        (line.description_fr, line.description_en) if line is not None else labels[kind]
    )
    return CreditNoteLine(
        kind=kind, invoice_line=line, sku=line.sku if line else "", description_fr=description_fr,
        description_en=description_en, quantity=quantity, unit_price_amount=unit, amount=_negated(amount),
        discount_amount=_negated(discount), tax_status=status,
        restocked=bool(restocked and line is not None and line.product_id),
    )


def _goods(invoice: Invoice) -> list[TaxedGoods]:
    return [TaxedGoods(line.amount, line.tax_status) for line in invoice.lines.all()]


def _fee_status(invoice: Invoice) -> str:
    """The status printed on a credited fee or amount: taxable when part of it is taxed (its
    taxes follow ``split_fees``, see ``_taxes_on``)."""
    parts = split_fees(Decimal("1.00"), _goods(invoice))
    return next((status for status, part in parts.items() if part), TaxStatus.TAXABLE)


def _credits_everything(selection: CreditSelection, remaining: Remaining) -> bool:
    goods_left = {pk: quantity for pk, quantity in remaining.quantities.items() if quantity > 0}
    return (
        not selection.amount
        and all(selection.lines.get(pk, 0) == quantity for pk, quantity in goods_left.items())
        and (selection.shipping or remaining.shipping_amount <= 0)
        and (selection.insurance or remaining.insurance_amount <= 0)
    )


def _taxes_on(invoice: Invoice, rows: list[CreditNoteLine], remaining: Remaining) -> dict[str, Decimal]:
    """The taxes of the credited amounts, computed by the tax module like the invoice's were."""
    invoice_taxes = {tax.code: tax for tax in invoice.taxes.all()}
    if not invoice_taxes:
        return {}
    shop = ShopSettings.load()
    taxable = sum((-row.amount for row in rows if row.kind == Kind.GOODS and row.is_taxable), ZERO)
    fees = sum((-row.amount for row in rows if row.kind != Kind.GOODS), ZERO)
    if fees:
        taxable += split_fees(fees, _goods(invoice))[TaxStatus.TAXABLE]
    result = compute_taxes(
        taxable, province=invoice.order.tax_province or None, merchant_registered=True,
        pst_provinces=list(shop.pst_provinces) + [invoice.order.tax_province],
        on_date=timezone.localdate(invoice.issued_at),
    )
    # Only the taxes the invoice charged, and never more of one than it still carries.
    return {line.code: min(line.amount, max(remaining.taxes.get(line.code, ZERO), ZERO))
            for line in result.lines if line.code in invoice_taxes}


def _rate_of(invoice: Invoice, code: str) -> str:
    for tax in invoice.taxes.all():
        if tax.code == code:
            return str(tax.rate.normalize())
    return ""


def _restock(rows: list[CreditNoteLine], *, order_number: int, actor) -> None:
    """Put the credited quantities back in stock (the product's, or its variant's); rows locked
    in ``core.locks`` order."""
    quantities: dict = {}
    for row in rows:
        key = stock_key(row.invoice_line)
        quantities[key] = quantities.get(key, 0) + row.quantity
    locked = lock_stock_rows(quantities)
    change_stock({key: quantity for key, quantity in quantities.items() if key in locked},
                 reason=StockMovement.Reason.RETURN, actor=actor, order_number=order_number)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    max_length = CreditNote._meta.get_field("reason").max_length
    if len(reason) > max_length:
        raise CreditError(_("The reason may have at most %(count)s characters.") % {"count": max_length},
                          code="reason_too_long")
    return reason


def _negated(amount):
    return -amount if amount else ZERO  # no « -0.00 »
