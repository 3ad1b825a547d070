"""Order processing in the back-office: status changes, order editing, payment confirmation.

Each service runs in one transaction, locks the order row first (so two merchants clicking at
once act one after the other), writes its timeline entry in that transaction and raises a
``DomainError`` subclass with a translated message when a rule refuses the action; a refused
action changes nothing because the transaction rolls back.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import DomainError, InvalidTransition, NotEditable, OutOfStock
from comptoir.core.money import quantize
from comptoir.merchant.models import ShopSettings

from .events import record_event
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


def invoice_of(order: Order):
    """The order's invoice, or None (the reverse one-to-one raises when there is none)."""
    from comptoir.invoicing.models import Invoice

    try:
        return order.invoice
    except Invoice.DoesNotExist:
        return None


# --- Status ---------------------------------------------------------------------------------


def change_order_status(order: Order, *, to: str, actor) -> Order:
    """Move ``order`` to status ``to``; cancelling releases stock and credits the invoice."""
    if to not in Status.values:
        raise InvalidTransition(_("Unknown order status."), code="unknown_status")
    with transaction.atomic():
        locked = _lock_order(order)
        if to == Status.COMPLETED:
            _check_completion(locked)
        if to == Status.CANCELLED:
            _check_transition(locked, to)
            _release_stock(locked, locked.lines.all(), actor=actor)
            _credit_invoice(locked, actor=actor)
        _move(locked, to, actor=actor)
    _refresh(order, locked)
    return order


def _move(order: Order, to: str, *, actor) -> None:
    """The one place a status changes: checks the table, saves, writes the timeline entry."""
    _check_transition(order, to)
    old = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    record_event(order, OrderEvent.Kind.STATUS_CHANGED, actor=actor, old=old, new=to)


def _check_transition(order: Order, to: str) -> None:
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
    """« Complétée » means paid: the order needs an invoice and that invoice must be paid."""
    from comptoir.invoicing.models import Invoice

    invoice = Invoice.objects.filter(order=order).only("status").first()
    if invoice is None:
        raise InvalidTransition(
            _("The order cannot be « %(status)s »: it has no invoice yet.")
            % {"status": Status.COMPLETED.label},
            code="no_invoice",
        )
    if invoice.status != Invoice.Status.PAID:
        raise InvalidTransition(
            _("The order cannot be « %(status)s » while its invoice is unpaid.")
            % {"status": Status.COMPLETED.label},
            code="unpaid",
        )


def _credit_invoice(order: Order, *, actor) -> None:
    from comptoir.invoicing.models import Invoice
    from comptoir.invoicing.services import issue_credit_note

    invoice = Invoice.objects.filter(order=order).exclude(status=Invoice.Status.CANCELLED).first()
    if invoice is not None:
        issue_credit_note(invoice, actor=actor, reason=_("Order cancelled"))


# --- Payment confirmation --------------------------------------------------------------------


def send_payment_confirmation(order: Order, *, actor) -> None:
    """« Envoyer la confirmation de paiement »: queue the customer and merchant messages."""
    from comptoir.invoicing.models import Invoice
    from comptoir.orders.messages import queue_payment_confirmation_messages

    with transaction.atomic():
        locked = _lock_order(order)
        invoice = Invoice.objects.filter(order=locked).only("status").first()
        if invoice is None or invoice.status != Invoice.Status.PAID:
            raise DomainError(
                _("The payment confirmation can only be sent once the invoice is paid."),
                code="unpaid",
            )
        sent = locked.events.filter(kind=OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT).first()
        if sent is not None:
            raise DomainError(
                # The date in parentheses: an English time ends with "p.m.", a final period
                # right after it would print "p.m..".
                _("The payment confirmation was already sent (%(date)s).")
                % {"date": formats.date_format(timezone.localtime(sent.created_at), "DATETIME_FORMAT")},
                code="already_sent",
            )
        # Messages go to the outbox in this transaction; delivery happens after commit.
        queue_payment_confirmation_messages(locked, event="recorded")
        record_event(locked, OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT, actor=actor)


# --- Editing (while no invoice is issued) ----------------------------------------------------


def add_order_line(order: Order, *, product: Product, quantity: int, actor) -> OrderLine:
    """Add ``quantity`` of ``product`` at its current price (or add to its existing line)."""
    quantity = _valid_quantity(quantity)
    with transaction.atomic():
        locked = _lock_editable_order(order)
        line = locked.lines.filter(product=product).first()
        _take_stock(locked, product, quantity, actor=actor)
        if line is None:
            line = OrderLine(
                order=locked, product=product, sku=product.sku, name_fr=product.name_fr,
                name_en=product.name_en, unit_price_amount=product.price_amount, quantity=0,
                is_taxable=product.is_taxable, position=_next_position(locked),
            )
        line.quantity += quantity
        line.line_total_amount = quantize(line.unit_price_amount * line.quantity)
        line.save()
        _reprice(locked)
        record_event(
            locked, OrderEvent.Kind.LINE_ADDED, actor=actor, sku=line.sku, name=line.name_fr,
            name_en=line.name_en, quantity=quantity, unit_price=str(line.unit_price_amount),
        )
    _refresh(order, locked)
    return line


def update_order_line(line: OrderLine, *, quantity: int, unit_price_amount, actor) -> OrderLine:
    """Change the quantity and/or unit price of ``line``; stock follows the quantity."""
    quantity = _valid_quantity(quantity)
    unit_price_amount = _valid_price(unit_price_amount)
    with transaction.atomic():
        order = _lock_editable_order(line.order)
        locked_line = _get_line(order, line.pk)
        old_quantity, old_price = locked_line.quantity, locked_line.unit_price_amount
        if (old_quantity, old_price) == (quantity, unit_price_amount):
            return locked_line
        if quantity > old_quantity and locked_line.product_id:
            _take_stock(order, locked_line.product, quantity - old_quantity, actor=actor)
        elif quantity < old_quantity:
            _release_line_stock(order, locked_line, old_quantity - quantity, actor=actor)
        locked_line.quantity = quantity
        locked_line.unit_price_amount = unit_price_amount
        locked_line.line_total_amount = quantize(unit_price_amount * quantity)
        locked_line.save()
        _reprice(order)
        record_event(
            order, OrderEvent.Kind.LINE_CHANGED, actor=actor, sku=locked_line.sku,
            name=locked_line.name_fr, name_en=locked_line.name_en,
            old_quantity=old_quantity, quantity=quantity,
            old_unit_price=str(old_price), unit_price=str(unit_price_amount),
        )
    _refresh(line.order, order)
    return locked_line


def remove_order_line(line: OrderLine, *, actor) -> None:
    """Remove ``line`` and put its quantity back in stock (an order keeps at least one line)."""
    with transaction.atomic():
        order = _lock_editable_order(line.order)
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
    _refresh(line.order, order)


def _lock_editable_order(order: Order) -> Order:
    from comptoir.invoicing.models import Invoice

    locked = _lock_order(order)
    if Invoice.objects.filter(order=locked).exists():
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
    line = order.lines.select_related("product").filter(pk=line_pk).first()
    if line is None:
        raise NotEditable(_("This line is no longer part of the order."), code="no_line")
    return line


def _reprice(order: Order) -> None:
    """Recompute fees, taxes and totals from the lines, keeping the order's insurance fee."""
    lines = list(order.lines.all())
    destination = order.shipping_address or order.billing_address
    quote = price_order(
        [PricedLine(line.unit_price_amount, line.quantity, line.is_taxable) for line in lines],
        delivery_method=order.delivery_method,
        shop=ShopSettings.load(),
        destination_province=destination.province,
        destination_country=destination.country,
        insurance_amount=order.insurance_amount,
    )
    order.subtotal_amount = quote.subtotal_amount
    order.shipping_amount = quote.shipping_amount
    order.insurance_amount = quote.insurance_amount
    order.tax_total = quote.tax_total
    order.total_amount = quote.total_amount
    order.tax_province = quote.tax_province or ""
    order.save()
    order.taxes.all().delete()
    OrderTax.objects.bulk_create(
        OrderTax(order=order, code=tax.code, rate=tax.rate, amount=tax.amount, position=position)
        for position, tax in enumerate(quote.taxes.lines)
    )


# --- Stock -----------------------------------------------------------------------------------


def _take_stock(order: Order, product: Product, quantity: int, *, actor) -> None:
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.stock < quantity:
        raise OutOfStock(
            _("Only %(stock)s left in stock for « %(product)s ».")
            % {"stock": locked.stock, "product": locked.name},
            code="out_of_stock",
        )
    Product.objects.filter(pk=locked.pk).update(stock=F("stock") - quantity)
    StockMovement.objects.create(
        product=locked, change=-quantity, reason=StockMovement.Reason.SALE,
        order_number=order.number, actor=actor,
    )


def _release_line_stock(order: Order, line: OrderLine, quantity: int, *, actor) -> None:
    if line.product_id is None:  # the product was deleted: nothing to put back
        return
    Product.objects.select_for_update().filter(pk=line.product_id).first()
    _put_back(order, line.product_id, quantity, actor=actor)


def _release_stock(order: Order, lines, *, actor) -> None:
    """Put every line's quantity back in stock; products locked in id order (no deadlock)."""
    quantities: dict[int, int] = {}
    for line in lines:
        if line.product_id is not None:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    existing = Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
    for product_id in existing.values_list("pk", flat=True):
        _put_back(order, product_id, quantities[product_id], actor=actor)


def _put_back(order: Order, product_id: int, quantity: int, *, actor) -> None:
    Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
    StockMovement.objects.create(
        product_id=product_id, change=quantity, reason=StockMovement.Reason.RELEASE,
        order_number=order.number, actor=actor,
    )


# --- Helpers ---------------------------------------------------------------------------------


def _lock_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("delivery_method", "billing_address", "shipping_address")
        .get(pk=order.pk)
    )


def _refresh(order: Order, locked: Order) -> None:
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


def update_order_lines(order: Order, *, changes: dict[int, tuple[int, Decimal]], actor) -> list[OrderLine]:
    """Save the quantity and unit price of several lines at once (line id -> (quantity, unit
    price)): all of them or, when one is refused, none. Each changed line goes through
    ``update_order_line`` (its rules, stock and timeline entry); unchanged lines are left alone."""
    with transaction.atomic():
        locked = _lock_editable_order(order)
        lines = {line.pk: line for line in locked.lines.all()}
        changed = []
        for line_id, (quantity, unit_price_amount) in changes.items():
            line = lines.get(line_id)
            if line is None:
                raise NotEditable(_("This line is no longer part of the order."), code="no_line")
            if (line.quantity, line.unit_price_amount) != (quantity, unit_price_amount):
                line.order = locked
                changed.append(update_order_line(line, quantity=quantity, unit_price_amount=unit_price_amount,
                                                 actor=actor))
    _refresh(order, locked)
    return changed
