"""Order processing in the back-office: status changes, order editing, payment confirmation.

Each service runs in one transaction, locks the order row first (so two merchants clicking at
once act one after the other), writes its timeline entry in that transaction and raises a
``DomainError`` subclass with a translated message when a rule refuses the action; a refused
action changes nothing because the transaction rolls back.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductVariant, StockMovement
from comptoir.catalog.stock import change_stock, lock_stock_rows, stock_key
from comptoir.core.errors import DomainError, InvalidTransition, NotEditable, OutOfStock
from comptoir.core.locks import lock_one
from comptoir.core.money import quantize
from comptoir.customers.models import Customer
from comptoir.customers.services import add_to_figures
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification

from .events import record_event
from .messages import queue_cancellation_message, queue_payment_confirmation_messages
from .models import Order, OrderEvent, OrderLine, OrderTax
from .pricing import PricedLine, price_order

Status = Order.Status

# Which status an order may move to from each status. « Complétée » has a further condition
# (the invoice is paid), checked in ``_check_completion``; « Annulée » is final.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.AWAITING_PAYMENT, Status.COMPLETED, Status.CANCELLED},
    Status.AWAITING_PAYMENT: {Status.NEW, Status.COMPLETED, Status.CANCELLED},
    Status.COMPLETED: {Status.CANCELLED},
    Status.CANCELLED: set(),
}
MAX_LINE_QUANTITY = 9999


def allowed_transitions(order: Order) -> set[str]:
    return set(TRANSITIONS.get(order.status, set()))


# --- Status ---------------------------------------------------------------------------------


def change_order_status(order: Order, *, to: str, actor) -> Order:
    """Move ``order`` to status ``to``; cancelling releases the stock.

    An order with an issued invoice is cancelled by ``invoicing.services.change_order_status``,
    which credits the invoice and then calls this one in the same transaction.
    """
    if to not in Status.values:
        raise InvalidTransition(_("Unknown order status."), code="unknown_status")
    with transaction.atomic():
        locked = lock_order(order)
        if to == Status.COMPLETED:
            _check_completion(locked)
        if to == Status.CANCELLED:
            if locked.invoice_issued:
                raise RuntimeError("cancel an invoiced order with invoicing.services.change_order_status")
            cancel_locked_order(locked, actor=actor)
        else:
            _move(locked, to, actor=actor)
    refresh_from_locked(order, locked)
    return order


def cancel_locked_order(locked: Order, *, actor, customer_paid: bool = False,
                        already_restocked: dict | None = None) -> None:
    """Cancel an order the caller has locked (after crediting its invoice, if it has one):
    the stock goes back, the status becomes « Annulée » and the customer is told by email
    (``customer_paid``: their money is to be refunded). ``already_restocked``: stock key
    (``catalog.stock``) or product id → quantity a refund already put back in stock."""
    check_transition(locked, Status.CANCELLED)
    _release_stock(locked, locked.lines.all(), actor=actor, already_restocked=already_restocked or {})
    _move(locked, Status.CANCELLED, actor=actor)
    queue_cancellation_message(locked, paid=customer_paid)


def _move(order: Order, to: str, *, actor) -> None:
    """The one place a status changes: checks the table, saves, writes the timeline entry."""
    check_transition(order, to)
    old = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    if Status.CANCELLED in (old, to) and old != to:  # the customer's figures count kept orders only
        sign = -1 if to == Status.CANCELLED else 1
        add_to_figures(Customer.objects.filter(pk=order.customer_id), orders=sign,
                       spent=sign * order.total_amount)
    record_event(order, OrderEvent.Kind.STATUS_CHANGED, actor=actor, old=old, new=to)


def reopen_for_payment(order: Order, *, actor, reason: str) -> None:
    """A payment of a « Complétée » order was reversed (a returned cheque): the order waits for
    its payment again. Outside the status table on purpose: only this may undo « Complétée ».
    The caller holds the order's lock."""
    if order.status != Status.COMPLETED:
        return
    order.status = Status.AWAITING_PAYMENT
    order.save(update_fields=["status", "updated_at"])
    record_event(order, OrderEvent.Kind.STATUS_CHANGED, actor=actor, old=Status.COMPLETED,
                 new=Status.AWAITING_PAYMENT, reason=reason)


def check_transition(order: Order, to: str) -> None:
    if to in TRANSITIONS.get(order.status, set()):
        return
    if order.status == to:
        message = _("The order is already « %(status)s ».") % {"status": Status(to).label}
    else:
        message = _("An order « %(old)s » cannot become « %(new)s ».") % {
            "old": Status(order.status).label,
            "new": Status(to).label,
        }
    raise InvalidTransition(message, code="transition")


def _check_completion(order: Order) -> None:
    """« Complétée » means paid: the order needs an invoice and that invoice must be paid
    (the order row's ``invoice_issued`` and ``invoice_paid``, kept by the invoicing services)."""
    if not order.invoice_issued:
        raise InvalidTransition(
            _("The order cannot be « %(status)s »: it has no invoice yet.")
            % {"status": Status.COMPLETED.label},
            code="no_invoice",
        )
    if not order.invoice_paid:
        raise InvalidTransition(
            _("The order cannot be « %(status)s » while its invoice is unpaid.")
            % {"status": Status.COMPLETED.label},
            code="unpaid",
        )


# --- Payment confirmation --------------------------------------------------------------------


def payment_confirmation_sent_at(order: Order, *, events=None, notifications=None):
    """When the customer's payment confirmation was first queued (by the merchant or, after an
    online payment, automatically), or None.

    Given the order's ``events`` and ``notifications`` already read (the order page), no query."""
    kind = OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT
    if events is None:
        sent = order.events.filter(kind=kind).order_by("created_at").first()
        moments = [sent.created_at] if sent is not None else []
    else:
        moments = [row.created_at for row in events if row.kind == kind]
    if notifications is None:
        queued = (Notification.objects.filter(reference=f"order:{order.pk}", template="payment_confirmation")
                  .order_by("created_at").first())
        moments += [queued.created_at] if queued is not None else []
    else:
        moments += [row.created_at for row in notifications if row.template == "payment_confirmation"]
    return min(moments) if moments else None


def send_payment_confirmation(order: Order, *, actor, resend: bool = False) -> None:
    """« Envoyer la confirmation de paiement »: queue the customer and merchant messages.

    Once a confirmation went out (by hand or automatically), only ``resend=True`` (the merchant
    confirmed) sends it again."""
    with transaction.atomic():
        locked = lock_order(order)
        if not locked.invoice_paid:
            raise DomainError(
                _("The payment confirmation can only be sent once the invoice is paid."),
                code="unpaid",
            )
        sent_at = payment_confirmation_sent_at(locked)
        if sent_at is not None and not resend:
            raise DomainError(
                # The date in parentheses: an English time ends with "p.m.", a final period
                # right after it would print "p.m..".
                _("The payment confirmation was already sent (%(date)s).")
                % {"date": formats.date_format(timezone.localtime(sent_at), "DATETIME_FORMAT")},
                code="already_sent",
            )
        # Messages go to the outbox in this transaction; delivery happens after commit.
        again = uuid.uuid4().hex if sent_at is not None else ""
        queue_payment_confirmation_messages(locked, event="recorded", again=again)
        record_event(locked, OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT, actor=actor, again=bool(again))


# --- Editing (while no invoice is issued) ----------------------------------------------------


def add_order_line(order: Order, *, product: Product, quantity: int, actor,
                   after_invoice: bool = False, variant: ProductVariant | None = None) -> OrderLine:
    """Add ``quantity`` of ``product`` (of its ``variant`` when it is sold by variant) at its
    current price (or add to its existing line).

    ``after_invoice``: the caller corrects an invoiced order and issues its credit note and new
    invoice in the same transaction (``payments.corrections``)."""
    quantity = _valid_quantity(quantity)
    if product.has_variants and (variant is None or variant.product_id != product.pk):
        raise DomainError(_("Choose the variant of « %(product)s ».") % {"product": product.name},
                          code="variant")
    if not product.has_variants:
        variant = None
    with transaction.atomic():
        locked = _lock_editable_order(order, after_invoice=after_invoice)
        line = locked.lines.filter(product=product, variant=variant).first()
        sold = _take_stock(locked, product, quantity, actor=actor, variant=variant)
        if line is None:
            line = OrderLine(
                order=locked, product=product, variant=variant, sku=sold.sku, name_fr=sold.name_fr,
                name_en=sold.name_en, unit_price_amount=sold.price_amount, quantity=0,
                tax_status=product.tax_status, position=_next_position(locked),
            )
        line.quantity += quantity
        line.line_total_amount = _paid_amount(line)
        line.save()
        _reprice(locked)
        record_event(
            locked, OrderEvent.Kind.LINE_ADDED, actor=actor, sku=line.sku, name=line.name_fr,
            name_en=line.name_en, quantity=quantity, unit_price=str(line.unit_price_amount),
        )
    refresh_from_locked(order, locked)
    return line


def update_order_line(line: OrderLine, *, quantity: int, unit_price_amount, actor,
                      after_invoice: bool = False) -> OrderLine:
    """Change the quantity and/or unit price of ``line``; stock follows the quantity."""
    quantity = _valid_quantity(quantity)
    unit_price_amount = _valid_price(unit_price_amount)
    with transaction.atomic():
        order = _lock_editable_order(line.order, after_invoice=after_invoice)
        locked_line = _get_line(order, line.pk)
        old_quantity, old_price = locked_line.quantity, locked_line.unit_price_amount
        if (old_quantity, old_price) == (quantity, unit_price_amount):
            return locked_line
        if quantity > old_quantity and locked_line.product_id:
            _take_stock(order, locked_line.product, quantity - old_quantity, actor=actor,
                        variant=locked_line.variant)
        elif quantity < old_quantity:
            _release_line_stock(order, locked_line, old_quantity - quantity, actor=actor)
        locked_line.quantity = quantity
        locked_line.unit_price_amount = unit_price_amount
        locked_line.line_total_amount = _paid_amount(locked_line)
        locked_line.save()
        _reprice(order)
        record_event(
            order, OrderEvent.Kind.LINE_CHANGED, actor=actor, sku=locked_line.sku,
            name=locked_line.name_fr, name_en=locked_line.name_en,
            old_quantity=old_quantity, quantity=quantity,
            old_unit_price=str(old_price), unit_price=str(unit_price_amount),
        )
    refresh_from_locked(line.order, order)
    return locked_line


def remove_order_line(line: OrderLine, *, actor, after_invoice: bool = False) -> None:
    """Remove ``line`` and put its quantity back in stock (an order keeps at least one line)."""
    with transaction.atomic():
        order = _lock_editable_order(line.order, after_invoice=after_invoice)
        locked_line = _get_line(order, line.pk)
        if order.lines.count() <= 1:
            raise NotEditable(
                _("An order keeps at least one line: cancel the order instead."), code="last_line"
            )
        _release_line_stock(order, locked_line, locked_line.quantity, actor=actor)
        locked_line.delete()
        _reprice(order)
        record_event(
            order, OrderEvent.Kind.LINE_REMOVED, actor=actor, sku=locked_line.sku,
            name=locked_line.name_fr, name_en=locked_line.name_en,
            quantity=locked_line.quantity, unit_price=str(locked_line.unit_price_amount),
        )
    refresh_from_locked(line.order, order)


def _lock_editable_order(order: Order, *, after_invoice: bool = False) -> Order:
    locked = lock_order(order)
    if after_invoice:
        if locked.status == Status.CANCELLED:
            raise NotEditable(_("An order « %(status)s » can no longer be changed.")
                              % {"status": Status(locked.status).label}, code="closed")
        return locked
    if locked.invoice_issued:
        raise NotEditable(
            _("The order can no longer be changed: its invoice is issued. "
              "Corrections after issue go through a credit note."),
            code="invoiced",
        )
    if locked.status in (Status.COMPLETED, Status.CANCELLED):
        raise NotEditable(
            _("An order « %(status)s » can no longer be changed.")
            % {"status": Status(locked.status).label},
            code="closed",
        )
    return locked


def _get_line(order: Order, line_pk: int) -> OrderLine:
    line = order.lines.select_related("product", "variant__product").filter(pk=line_pk).first()
    if line is None:
        raise NotEditable(_("This line is no longer part of the order."), code="no_line")
    return line


def _paid_amount(line: OrderLine) -> Decimal:
    """A changed line keeps the discount it was sold with, at most its new list amount."""
    list_amount = quantize(line.unit_price_amount * line.quantity)
    line.discount_amount = min(line.discount_amount, list_amount)
    return list_amount - line.discount_amount


def _reprice(order: Order) -> None:
    """Recompute fees, taxes and totals from the lines, keeping the order's insurance fee and
    the discounts it was placed with (each line's, and the delivery's)."""
    lines = list(order.lines.all())
    destination = order.shipping_address or order.billing_address
    quote = price_order(
        [PricedLine(line.unit_price_amount, line.quantity, discount_amount=line.discount_amount,
                    tax_status=line.tax_status) for line in lines],
        delivery_method=order.delivery_method,
        shop=ShopSettings.load(),
        destination_province=destination.province,
        destination_country=destination.country,
        insurance_amount=order.insurance_amount,
        shipping_discount_amount=order.shipping_discount_amount,
    )
    previous_total = order.total_amount
    order.subtotal_amount = quote.subtotal_amount
    order.discount_amount = quote.discount_amount
    order.shipping_discount_amount = quote.shipping_discount_amount
    order.shipping_amount = quote.shipping_amount
    order.insurance_amount = quote.insurance_amount
    order.tax_total = quote.tax_total
    order.total_amount = quote.total_amount
    order.tax_province = quote.tax_province or ""
    order.save()
    if order.status != Status.CANCELLED and order.total_amount != previous_total:
        add_to_figures(Customer.objects.filter(pk=order.customer_id),
                       spent=order.total_amount - previous_total)
    order.taxes.all().delete()
    OrderTax.objects.bulk_create(
        OrderTax(order=order, code=tax.code, rate=tax.rate, amount=tax.amount, position=position)
        for position, tax in enumerate(quote.taxes.lines)
    )


# --- Stock -----------------------------------------------------------------------------------


def _take_stock(order: Order, product: Product, quantity: int, *, actor,
                variant: ProductVariant | None = None):
    """Take ``quantity`` out of the stock of ``product`` (or of its ``variant``), under its row
    lock; returns the locked row (product or variant)."""
    key = (product.pk, variant.pk if variant is not None else None)
    locked = lock_stock_rows([key])[key]
    if locked.stock < quantity:
        raise OutOfStock(
            _("Only %(stock)s left in stock for « %(product)s ».")
            % {"stock": locked.stock, "product": locked.name},
            code="out_of_stock",
        )
    change_stock({key: -quantity}, reason=StockMovement.Reason.SALE, actor=actor,
                 order_number=order.number)
    return locked


def _release_line_stock(order: Order, line: OrderLine, quantity: int, *, actor) -> None:
    if line.product_id is None:  # the product was deleted: nothing to put back
        return
    _put_back(order, {stock_key(line): quantity}, actor=actor)


def _release_stock(order: Order, lines, *, actor, already_restocked: dict | None = None) -> None:
    """Put every line's quantity back in stock; rows locked in ``core.locks`` order (no
    deadlock). ``already_restocked``: quantities by stock key (``catalog.stock``) or product id."""
    quantities: dict = {}
    for line in lines:
        if line.product_id is not None:
            quantities[stock_key(line)] = quantities.get(stock_key(line), 0) + line.quantity
    for key, quantity in (already_restocked or {}).items():
        key = key if isinstance(key, tuple) else (key, None)
        if key in quantities:
            quantities[key] -= quantity
    _put_back(order, {key: quantity for key, quantity in quantities.items() if quantity > 0}, actor=actor)


def _put_back(order: Order, quantities: dict, *, actor) -> None:
    rows = lock_stock_rows(quantities)
    change_stock({key: quantity for key, quantity in quantities.items() if key in rows},
                 reason=StockMovement.Reason.RELEASE, actor=actor, order_number=order.number)


# --- Helpers ---------------------------------------------------------------------------------


def lock_order(order: Order) -> Order:
    """Lock the order row (``core.locks`` order: before its invoices, payments and stock)."""
    queryset = Order.objects.select_related("delivery_method", "billing_address", "shipping_address")
    return lock_one(queryset, order.pk)


def refresh_from_locked(order: Order, locked: Order) -> None:
    """Copy the saved state onto the caller's instance so it sees the change."""
    if order is locked:
        return
    for field in order._meta.concrete_fields:
        setattr(order, field.attname, getattr(locked, field.attname))


def _next_position(order: Order) -> int:
    last = order.lines.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _valid_quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise DomainError(
            _("The quantity must be a whole number between 1 and %(max)s.") % {"max": MAX_LINE_QUANTITY},
            code="quantity",
        )
    return quantity


def _valid_price(amount) -> Decimal:
    try:
        amount = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise DomainError(_("The unit price must be an amount of 0 or more."), code="price")
    return quantize(amount)


# --- Editing all lines at once ----------------------------------------------------------------


def update_order_lines(order: Order, *, changes: dict[int, tuple[int, Decimal]], actor,
                       after_invoice: bool = False) -> list[OrderLine]:
    """Save the quantity and unit price of several lines at once (line id -> (quantity, unit
    price)): all of them or, when one is refused, none. Each changed line goes through
    ``update_order_line`` (its rules, stock and timeline entry); unchanged lines are left alone."""
    with transaction.atomic():
        locked = _lock_editable_order(order, after_invoice=after_invoice)
        lines = {line.pk: line for line in locked.lines.all()}
        # The stock rows of the lines whose quantity changes, locked at once in ``core.locks``
        # order: each line's change below then takes a lock already held.
        lock_stock_rows(stock_key(line) for line_id, line in lines.items()
                        if line_id in changes and line.product_id and changes[line_id][0] != line.quantity)
        changed = []
        for line_id, (quantity, unit_price_amount) in changes.items():
            line = lines.get(line_id)
            if line is None:
                raise NotEditable(_("This line is no longer part of the order."), code="no_line")
            if (line.quantity, line.unit_price_amount) != (quantity, unit_price_amount):
                line.order = locked
                changed.append(update_order_line(line, quantity=quantity, unit_price_amount=unit_price_amount,
                                                 actor=actor, after_invoice=after_invoice))
    refresh_from_locked(order, locked)
    return changed
