"""Issuing invoices and credit notes.

An invoice is a snapshot of its order taken when it is issued: what it prints never comes from
the order, the catalogue or the shop settings afterwards. Only ``status`` and ``paid_at`` change
later (payments, credit note). Numbers come from ``Sequence`` inside the issuing transaction, so
they are consecutive without gaps even when several invoices are issued at once.
"""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comptoir.core.errors import DomainError
from comptoir.core.locks import lock, lock_one
from comptoir.core.models import Sequence
from comptoir.customers.models import Customer
from comptoir.customers.services import add_to_figures
from comptoir.merchant.models import ShopSettings
from comptoir.orders import services as order_services
from comptoir.orders.events import record_event
from comptoir.orders.models import Order, OrderEvent
from comptoir.taxes.models import TaxStatus
from comptoir.taxes.services import TaxedGoods, tax_base

from .credit_notes import everything_remaining, issue_partial_credit_note
from .models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, InvoiceTax
from .periods import check_closed_period


class InvoiceError(DomainError):
    pass


def issue_invoice(order: Order, *, actor=None) -> Invoice:
    """Issue the invoice of ``order`` (« Créer une facture »)."""
    with transaction.atomic():
        # The order row lock serialises two « Créer une facture » on the same order.
        locked = lock_one(
            Order.objects.select_related("billing_address", "shipping_address", "customer"), order.pk
        )
        lines = list(locked.lines.order_by("position", "id"))
        _check_can_invoice(locked, has_lines=bool(lines))
        invoice = _create_invoice(
            locked, lines=lines, taxes=list(locked.taxes.order_by("position", "id")),
            shop=ShopSettings.load(), actor=actor,
        )
    order.invoice = invoice
    return invoice


def issue_checkout_invoice(order: Order, *, lines, taxes, shop: ShopSettings, actor=None,
                           number: int | None = None, balance_counted: bool = False) -> Invoice:
    """Issue the invoice of an order being placed, inside the checkout's transaction.

    The order row was inserted by this same transaction: nobody else can see, lock or invoice it
    before the commit, and ``lines``/``taxes`` are the rows just written. So the lock, the checks
    and the re-reads of ``issue_invoice`` have nothing to protect here.

    ``number``: a provisional number that the caller replaces, before its commit, with one taken
    from the ``invoice`` sequence (checkout takes its numbers last, to hold their locks briefly).
    ``balance_counted``: the caller already added the invoice's balance to its customer's
    ``balance_owed`` (checkout does it in the customer's own write).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_checkout_invoice must run inside the checkout transaction")
    invoice = _create_invoice(order, lines=lines, taxes=taxes, shop=shop, actor=actor, number=number,
                              add_balance=not balance_counted)
    order.invoice = invoice
    return invoice


def issue_replacement_invoice(order: Order, *, actor, replaces: Invoice) -> Invoice:
    """The new invoice of a corrected order, inside the correction's transaction (the caller
    holds the order row lock and has credited ``replaces`` and detached it from the order)."""
    order = Order.objects.select_related("billing_address", "shipping_address", "customer").get(pk=order.pk)
    lines = list(order.lines.order_by("position", "id"))
    _check_can_invoice(order, has_lines=bool(lines))
    return _create_invoice(order, lines=lines, taxes=list(order.taxes.order_by("position", "id")),
                           shop=ShopSettings.load(), actor=actor, replaces=replaces)


def _create_invoice(order: Order, *, lines, taxes, shop: ShopSettings, actor, replaces=None,
                    number: int | None = None, add_balance: bool = True) -> Invoice:
    issued_at = timezone.now()
    in_closed_period = check_closed_period(issued_at, policy=shop.closed_period_policy)
    # Nothing to pay (free goods, nothing taxed): the invoice is settled as it is issued,
    # otherwise the order could never be « Complétée ».
    settled = order.total_amount <= 0
    invoice = Invoice.objects.create(
        order=order,
        current_for=order,
        number=number or Sequence.next_value("invoice"),
        issued_at=issued_at,
        status=Invoice.Status.PAID if settled else Invoice.Status.UNPAID,
        paid_at=issued_at if settled else None,
        language=order.language,
        issued_by=actor,
        in_closed_period=in_closed_period,
        **_order_snapshot(order, shop),
        **_tax_base(order, lines),
    )
    _copy_lines_and_taxes(invoice, lines, taxes)
    # A new invoice adds what it asks for to its customer's balance (an atomic addition: no
    # read of the other invoices, which other transactions may be changing).
    if add_balance:
        add_to_figures(Customer.objects.filter(pk=order.customer_id), balance=invoice.balance_amount)
    if not order.invoice_issued:  # checkout inserts its order with the flag set
        Order.objects.filter(pk=order.pk).update(invoice_issued=True)
        order.invoice_issued = True
    if settled:
        mark_invoice_paid(order, True)
    if number is None:  # a provisional number: the caller records the event once it is final
        kind, data = invoice_issued_event(invoice, replaces=replaces)
        record_event(order, kind, actor=actor, **data)
    return invoice


def invoice_issued_event(invoice: Invoice, *, replaces=None) -> tuple[str, dict]:
    """The kind and data of the order's timeline entry « invoice issued » (final number)."""
    return OrderEvent.Kind.INVOICE_ISSUED, {
        "invoice": invoice.reference, "total": str(invoice.total_amount),
        **({"replaces": replaces.reference} if replaces is not None else {}),
    }


def _check_can_invoice(order: Order, *, has_lines: bool) -> None:
    if Invoice.objects.filter(current_for=order).exists():
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
        "discount_amount": order.discount_amount,
        "shipping_discount_amount": order.shipping_discount_amount,
        "discount_label": order.discount_label,
        "tax_total": order.tax_total,
        "total_amount": order.total_amount,
        "currency": order.currency,
    }


def _tax_base(order: Order, lines) -> dict:
    base = tax_base([TaxedGoods(line.line_total_amount, line.tax_status) for line in lines],
                    fees=order.shipping_amount + order.insurance_amount)
    return {"zero_rated_amount": base[TaxStatus.ZERO_RATED], "exempt_amount": base[TaxStatus.EXEMPT]}


def _copy_lines_and_taxes(invoice: Invoice, lines, taxes) -> None:
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice, product_id=line.product_id, variant_id=line.variant_id, sku=line.sku,
            description_fr=line.name_fr,
            description_en=line.name_en, quantity=line.quantity,
            unit_price_amount=line.unit_price_amount, amount=line.line_total_amount,
            discount_amount=line.discount_amount, tax_status=line.tax_status, position=position,
        )
        for position, line in enumerate(lines)
    )
    InvoiceTax.objects.bulk_create(
        InvoiceTax(invoice=invoice, code=tax.code, rate=tax.rate, amount=tax.amount, position=position)
        for position, tax in enumerate(taxes)
    )


def issue_credit_note(invoice: Invoice, *, actor=None, reason: str = "", restock: bool = False) -> CreditNote:
    """Cancel ``invoice`` by a credit note (« note de crédit ») that credits all it still
    carries (everything, or what earlier partial credit notes left).

    The credit note's amounts are negative: an invoice plus its credit notes add up to zero.
    """
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status == Invoice.Status.CANCELLED:
            raise InvoiceError(
                _("Invoice %(reference)s is already cancelled by a credit note.")
                % {"reference": locked.reference},
                code="already_credited",
            )
        credit_note = issue_partial_credit_note(
            locked, everything_remaining(locked, restock=restock), actor=actor, reason=reason,
            order_number=locked.order.number,
        )
    invoice.status = locked.status
    return credit_note


ORDER_CANCELLED = gettext_noop("Order cancelled")


def document_text(invoice: Invoice, message: str, **params) -> str:
    """``message`` (marked with ``gettext_noop``) in the invoice's language: what a document
    stores as text (a credit note's reason) reads in its customer's language, not in that of
    the staff member who acted."""
    with translation.override(invoice.language or "fr"):
        return _(message) % params if params else _(message)


def lock_invoice(invoice: Invoice) -> Invoice:
    """Lock the invoice's order, then the invoice (``core.locks.LOCK_ORDER``); the returned
    invoice's ``order`` is the locked order row."""
    order = lock_one(Order.objects.all(), invoice.order_id)
    locked = lock_one(Invoice.objects.all(), invoice.pk)
    locked.order = order
    return locked


def lock_order_invoices(order: Order) -> tuple[Order, list[Invoice]]:
    """Lock ``order``, then all of its invoices (ascending id)."""
    locked = order_services.lock_order(order)
    return locked, lock(Invoice.objects.filter(order=locked))


def change_order_status(order: Order, *, to: str, actor) -> Order:
    """The back-office status change: cancelling an invoiced order first cancels its invoice by a
    credit note, in the same transaction; the other changes are ``orders``' own."""
    if to != Order.Status.CANCELLED:
        return order_services.change_order_status(order, to=to, actor=actor)
    with transaction.atomic():
        locked, invoices = lock_order_invoices(order)
        order_services.check_transition(locked, to)
        customer_paid = any(invoice.paid_amount > 0 for invoice in invoices)
        for invoice in invoices:
            if invoice.status != Invoice.Status.CANCELLED:
                invoice.order = locked
                issue_credit_note(invoice, actor=actor, reason=document_text(invoice, ORDER_CANCELLED))
        # Quantities a refund already put back in stock are not put back a second time.
        restocked = {
            (product_id, variant_id): total for product_id, variant_id, total in
            CreditNoteLine.objects.filter(credit_note__invoice__order=locked, restocked=True,
                                          invoice_line__product__isnull=False)
            .values_list("invoice_line__product", "invoice_line__variant")
            .annotate(total=Sum("quantity"))
            .values_list("invoice_line__product", "invoice_line__variant", "total")
        }
        order_services.cancel_locked_order(locked, actor=actor, customer_paid=customer_paid,
                                           already_restocked=restocked)
    order_services.refresh_from_locked(order, locked)
    return order


def mark_invoice_paid(order: Order, paid: bool) -> None:
    """Keep ``order.invoice_paid`` equal to its invoice being paid; call it in the transaction
    that changes the invoice's status."""
    Order.objects.filter(pk=order.pk).update(invoice_paid=paid)
    order.invoice_paid = paid

