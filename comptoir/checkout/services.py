"""Checkout: what a shop accepts, how a cart is priced, and placing the order.

``place_order`` is one transaction: it locks the cart, the promotions it may use (usage limits)
and the products or variants (by id, so concurrent checkouts never deadlock), refuses when stock
is short or the cart's promo code can no longer be used without changing anything, then writes
the customer, the order, its snapshot lines (with their share of the discounts) and taxes, the
promotions' uses, the invoice (when a payment method was chosen) and renders the outbox messages
under provisional numbers; only then does it take the order's and the invoice's gap-free numbers
(their sequence rows stay locked until the commit, so every checkout of the shop waits for that
part only), put them (and the payment reference that follows from the order's number) in place
and insert the stock movements, the timeline entries and the messages.
"""

import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductVariant, StockMovement
from comptoir.catalog.stock import lock_stock_rows, shown_stock, stock_key
from comptoir.core.errors import DomainError, OutOfStock
from comptoir.core.i18n import LANGUAGE_CODES
from comptoir.core.locks import lock
from comptoir.core.models import Sequence
from comptoir.core.money import ZERO, quantize
from comptoir.core.provinces import validate_postal_code
from comptoir.customers.models import Address
from comptoir.customers.services import create_account, record_customer
from comptoir.invoicing.services import invoice_issued_event, issue_checkout_invoice
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.services import record_new_notifications
from comptoir.orders.events import record_events
from comptoir.orders.messages import OrderParts, prepare_order_placed_messages
from comptoir.orders.models import Order, OrderEvent, OrderLine, OrderTax
from comptoir.orders.pricing import PricedLine, Quote, price_order
from comptoir.orders.references import interac_instructions, payment_reference
from comptoir.promotions.services import Goods, candidates, offer_for, record_usage

from .models import Cart, CartLine

PaymentMethod = Order.PaymentMethod


class CheckoutError(DomainError):
    pass


class TotalChanged(CheckoutError):
    """The total computed at confirmation differs from the one the customer saw and confirmed."""


def enabled_payment_methods(shop: ShopSettings) -> list[str]:
    """The payment methods the merchant offers; empty in order-details-only mode."""
    if shop.order_details_only:
        return []
    offered = [
        (PaymentMethod.PAYPAL, shop.paypal_enabled),
        (PaymentMethod.CHEQUE, shop.cheque_enabled),
        (PaymentMethod.INTERAC, shop.interac_enabled),
        (PaymentMethod.CASH_ON_DELIVERY, shop.cash_on_delivery_enabled),
    ]
    return [method.value for method, enabled in offered if enabled]


@dataclass(frozen=True)
class CartItem:
    product: Product
    quantity: int
    variant: ProductVariant | None = None

    @property
    def sellable(self) -> Product | ProductVariant:
        """What is sold: the variant chosen, or the product itself (its price, stock, SKU, name)."""
        return self.variant if self.variant is not None else self.product

    @property
    def unit_price_amount(self) -> Decimal:
        return self.sellable.price_amount

    @property
    def name(self) -> str:
        return self.sellable.name

    @property
    def stock(self) -> int:
        return self.sellable.stock

    @property
    def line_total_amount(self) -> Decimal:
        return quantize(self.sellable.price_amount * self.quantity)


def goods_of(items) -> list[Goods]:
    """Cart items as the promotions see them (product, category, list amount)."""
    return [Goods(item.product.pk, item.product.category_id, item.line_total_amount) for item in items]


def price_items(items, *, delivery_method, shop, shipping_address: Address | None, promo_code: str = "",
                email: str = "", strict: bool = False, promotions=None) -> Quote:
    """Price cart items at their current catalogue price (review step and ``place_order``), with
    the promotions they get (``promotions.services.offer_for``; ``promo_code`` is the cart's,
    ``email`` counts per-customer limits). ``strict`` (``place_order``): a promo code that can
    no longer be used raises ``PromotionError``; ``promotions``: the candidates already read (under
their locks). ``quote.promotions`` holds the ``Offer``."""
    items = list(items)
    goods = goods_of(items)
    fee = delivery_method.fee_for(sum((g.list_amount for g in goods), Decimal("0.00"))) if items else None
    offer = offer_for(goods, code=promo_code, email=email, delivery_fee=fee or Decimal("0.00"), strict=strict,
                      promotions=promotions)
    discounts = offer.line_discounts or (Decimal("0.00"),) * len(items)
    return price_order(
        [PricedLine(item.unit_price_amount, item.quantity, discount_amount=discount,
                    tax_status=item.product.tax_status)
         for item, discount in zip(items, discounts, strict=True)],
        delivery_method=delivery_method,
        shop=shop,
        destination_province=shipping_address.province if shipping_address else None,
        destination_country=shipping_address.country if shipping_address else "CA",
        free_delivery=offer.free_delivery,
        promotions=(offer,),
    )


def place_order(
    cart: Cart,
    *,
    email: str,
    phone: str,
    billing_address: Address,
    shipping_address: Address | None,
    delivery_method,
    payment_method: str,
    language: str,
    checkout_token: str,
    user=None,
    create_account_password: str | None = None,
    expected_total_amount: Decimal | None = None,
    shop: ShopSettings | None = None,
    sms_consent: bool = False,
    news_consent_wording: str = "",
) -> Order:
    """Turn ``cart`` into an order. The same ``checkout_token`` twice returns the first order.

    ``expected_total_amount`` is the total the customer confirmed: the order is refused when the
    total computed under the row locks differs. ``shop`` saves a read when the caller has it.
    """
    try:
        with transaction.atomic():
            return _place(
                cart, email=email.strip(), phone=phone.strip(), billing_address=billing_address,
                shipping_address=None if delivery_method.is_pickup else shipping_address,
                delivery_method=delivery_method, payment_method=payment_method or "",
                language=language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
                checkout_token=checkout_token, user=user,
                create_account_password=create_account_password,
                expected_total_amount=expected_total_amount, shop=shop or ShopSettings.load(),
                sms_consent=bool(sms_consent),
                news_consent_wording=news_consent_wording,
            )
    except IntegrityError:
        # A concurrent submission of the same form won the unique checkout_token: its order is
        # the answer (this transaction rolled back, so nothing of it remains).
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing is None:
            raise
        return existing


def _place(cart, *, email, phone, billing_address, shipping_address, delivery_method, payment_method,
           language, checkout_token, user, create_account_password, expected_total_amount, shop,
           sms_consent=False, news_consent_wording="") -> Order:
    # Lock the cart, its lines and their products; then look for an order made meanwhile by a
    # submission of the same form: it gets its order back even if the settings changed since.
    cart_lines, promo_code, promotions = _locked_lines(cart, email=email)
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        return existing
    _check_request(shop, email=email, delivery_method=delivery_method, payment_method=payment_method,
                   billing_address=billing_address, shipping_address=shipping_address)
    items = _available_items(cart_lines)
    quote = price_items(items, delivery_method=delivery_method, shop=shop, shipping_address=shipping_address,
                        promo_code=promo_code, email=email, strict=True, promotions=promotions)
    if expected_total_amount is not None and quote.total_amount != expected_total_amount:
        raise TotalChanged(
            _("The total of your order has changed. Check it and confirm again."), code="total_changed"
        )
    if user is None and create_account_password:
        user = create_account(email=email, password=create_account_password,
                              first_name=billing_address.first_name, last_name=billing_address.last_name)
    snapshots = [address for address in (billing_address, shipping_address) if address is not None]
    for address in snapshots:
        address.pk = None
    placed_at = timezone.now()
    customer = record_customer(email=email, phone=phone, language=language, user=user,
                               billing_address=billing_address, shipping_address=shipping_address,
                               order_snapshots=snapshots, news_consent_wording=news_consent_wording,
                               order_total=quote.total_amount, placed_at=placed_at,
                               # the balance of the invoice issued below (none without a method)
                               balance=max(quote.total_amount, ZERO) if payment_method else ZERO)
    order = _create_order(
        shop, quote, customer=customer, email=email, phone=phone, language=language,
        billing_address=billing_address, shipping_address=shipping_address,
        delivery_method=delivery_method, payment_method=payment_method, checkout_token=checkout_token,
        sms_consent=sms_consent, placed_at=placed_at,
    )
    lines = _write_lines(order, items, actor=user, discounts=quote.line_discounts)
    record_usage(order, quote.promotions[0], email=email)
    taxes = OrderTax.objects.bulk_create(
        OrderTax(order=order, code=line.code, rate=line.rate, amount=line.amount, position=position)
        for position, line in enumerate(quote.taxes.lines)
    )
    CartLine.objects.filter(pk__in=[line.pk for line in cart_lines]).delete()  # only what was ordered
    invoice = None
    if order.payment_method:
        invoice = issue_checkout_invoice(order, lines=lines, taxes=taxes, shop=shop,
                                         number=_provisional_number(), balance_counted=True)
    messages = prepare_order_placed_messages(
        order, shop=shop, parts=OrderParts(lines=lines, taxes=taxes, invoice=invoice, payments=[]))
    _take_numbers(order, invoice, messages)
    _record_numbered(order, invoice, items, messages, actor=user)
    return order


def _provisional_number() -> int:
    """A number for the rows written before the real numbers are taken: 19 digits (so that it
    cannot be mistaken for anything else in a rendered message), unique without a lock, never
    committed (``_take_numbers`` replaces it in the same transaction)."""
    return (1 << 62) + secrets.randbits(60)


def _take_numbers(order: Order, invoice, messages) -> None:
    """The order's and the invoice's gap-free numbers, taken last: their sequence rows stay locked
    from here to the commit, so nothing slow may follow (the messages are already rendered).
    The provisional numbers are replaced in the rows and in the rendered messages."""
    provisional, provisional_reference = str(order.number), order.payment_reference
    order.number = Sequence.next_value("order", start=1001)
    order.fill_payment_reference()  # it follows from the number
    replacements = {provisional: str(order.number), provisional_reference: order.payment_reference}
    order.payment_instructions = _replaced(order.payment_instructions, replacements)
    Order.objects.filter(pk=order.pk).update(number=order.number, payment_reference=order.payment_reference,
                                             payment_instructions=order.payment_instructions)
    if invoice is not None:
        provisional = str(invoice.number)
        Sequence.assign("invoice", invoice, "number")
        replacements[provisional] = f"{invoice.number:06d}"  # as in its reference, F-000123
    for message in messages:
        for field in ("subject", "body_text", "body_html"):
            setattr(message, field, _replaced(getattr(message, field), replacements))
        message.context = json.loads(_replaced(json.dumps(message.context), replacements))


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for provisional, final in replacements.items():
        text = text.replace(provisional, final)
    return text


def _record_numbered(order: Order, invoice, items: list[CartItem], messages, *, actor) -> None:
    """What carries the final numbers: stock movements, timeline entries, messages (inserts only)."""
    StockMovement.objects.bulk_create(
        StockMovement(product=item.product, variant=item.variant, change=-item.quantity,
                      reason=StockMovement.Reason.SALE, order_number=order.number, actor=actor)
        for item in items
    )
    events = [(OrderEvent.Kind.PLACED, {"number": order.number, "total": str(order.total_amount),
                                        "payment_method": order.payment_method})]
    if invoice is not None:
        events.append(invoice_issued_event(invoice))
    record_events(order, events, actor=actor)
    record_new_notifications(messages)


def _check_request(shop, *, email, delivery_method, payment_method, billing_address, shipping_address):
    """Refuse what a form should already have refused: the service trusts no caller."""
    if shop.catalogue_mode:
        raise CheckoutError(_("This shop does not take orders online."), code="catalogue_mode")
    if payment_method not in enabled_payment_methods(shop) and not (
        shop.order_details_only and payment_method == ""
    ):
        raise CheckoutError(_("This payment method is not available."), code="payment_method")
    if not delivery_method.is_active:
        raise CheckoutError(_("This delivery method is not available."), code="delivery_method")
    if not delivery_method.is_pickup and shipping_address is None:
        raise CheckoutError(_("A shipping address is required."), code="shipping_address")
    try:
        validate_email(email)
        for address in filter(None, [billing_address, shipping_address]):
            address.postal_code = validate_postal_code(address.postal_code, address.province)
            address.full_clean()
    except ValidationError as error:
        raise CheckoutError(" ".join(error.messages), code="invalid") from error


def _locked_lines(cart, *, email: str = "") -> tuple[list[CartLine], str, list]:
    """The cart's lines with their stock rows, and its promo code, locking the cart, the
    promotions it may use, then the products, then the variants, by ascending id
    (``core.locks``, ``catalog.stock``), so concurrent checkouts never deadlock; the cart row
    lock serialises them with cart changes, which take it too, and the promotions' locks the
    checkouts that count their uses."""
    promo_code = "".join(locked.promo_code for locked in lock(Cart.objects.filter(pk=cart.pk)))
    promotions = candidates(promo_code, email, locked=True)
    lines = list(CartLine.objects.filter(cart=cart).order_by("product_id", "id"))
    rows = lock_stock_rows(stock_key(line) for line in lines)
    for line in lines:
        row = rows[stock_key(line)]
        if line.variant_id is None:
            line.product = row
        else:
            line.variant = row
            line.product = row.product
    return lines, promo_code, promotions


def _available_items(lines: list[CartLine]) -> list[CartItem]:
    """The items at their current price on the locked product rows; refuses short stock."""
    items = [CartItem(line.product, line.quantity, line.variant) for line in lines]
    if not items:
        raise CheckoutError(_("Your cart is empty."), code="empty_cart")
    if any(not item.sellable.is_visible or item.product.has_variants != (item.variant is not None)
           for item in items):
        raise CheckoutError(_("A product of your cart is no longer sold."), code="unavailable")
    for item in items:
        check_stock(item.sellable, item.quantity)
    return items


def check_stock(product: Product | ProductVariant, quantity: int) -> None:
    """Raise OutOfStock, naming the product (or variant), when ``quantity`` is more than what
    is left."""
    if product.stock <= 0:
        raise OutOfStock(
            _("Sorry, « %(name)s » is out of stock.") % {"name": product.name}, code="out_of_stock"
        )
    if quantity > product.stock:
        raise OutOfStock(
            _("Sorry, only %(stock)s of « %(name)s » left in stock.")
            % {"stock": product.stock, "name": product.name},
            code="short_stock",
        )


def _create_order(shop, quote: Quote, *, customer, email, phone, language, billing_address,
                  shipping_address, delivery_method, payment_method, checkout_token,
                  placed_at, sms_consent=False) -> Order:
    number = _provisional_number()
    reference = payment_reference(number)  # provisional too: ``_take_numbers`` replaces it
    if payment_method == PaymentMethod.CHEQUE:
        instructions = shop.cheque_instructions(language)
    elif payment_method == PaymentMethod.INTERAC:
        instructions = interac_instructions(shop, reference, language)
    else:
        instructions = ""
    return Order.objects.create(
        number=number, payment_reference=reference, checkout_token=checkout_token,
        customer=customer, email=email, phone=phone, language=language,
        billing_address=billing_address, shipping_address=shipping_address,
        delivery_method=delivery_method, delivery_name_fr=delivery_method.name_fr,
        delivery_name_en=delivery_method.name_en, delivery_kind=delivery_method.kind,
        payment_method=payment_method,
        payment_instructions=instructions,
        tax_province=quote.tax_province or "", subtotal_amount=quote.subtotal_amount,
        shipping_amount=quote.shipping_amount, insurance_amount=quote.insurance_amount,
        discount_amount=quote.discount_amount, shipping_discount_amount=quote.shipping_discount_amount,
        discount_label=quote.promotions[0].label[:300] if quote.promotions else "",
        tax_total=quote.tax_total, total_amount=quote.total_amount, placed_at=placed_at,
        invoice_issued=bool(payment_method),  # its invoice is issued in the same transaction
        sms_consent=sms_consent and bool(phone),
    )


def _write_lines(order: Order, items: list[CartItem], *, actor, discounts) -> list[OrderLine]:
    """Snapshot lines (each with its share of the discounts) and stock decrements (the stock
    movements, which carry the order's number, come after the numbers: ``_record_numbered``): a
    fixed number of queries."""
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order, product=item.product, variant=item.variant, sku=item.sellable.sku,
            name_fr=item.sellable.name_fr, name_en=item.sellable.name_en,
            unit_price_amount=item.unit_price_amount,
            quantity=item.quantity, tax_status=item.product.tax_status,
            line_total_amount=item.line_total_amount - discount, discount_amount=discount, position=position,
        )
        for position, (item, discount) in enumerate(zip(items, discounts, strict=True))
    )
    # One UPDATE per kind of stock row (products sold as such, variants). The storefront's kept
    # pages (``core.page_cache``) change only when a product's stock shown changes; a variant's
    # sale changes its product's total (the product cards): those always count.
    for model, sold in ((Product, [item for item in items if item.variant is None]),
                        (ProductVariant, [item for item in items if item.variant is not None])):
        if sold:
            taken = Case(*(When(pk=item.sellable.pk, then=Value(item.quantity)) for item in sold),
                         output_field=IntegerField())
            rows = model.objects.filter(pk__in=[item.sellable.pk for item in sold])
            unshown = model is Product and all(
                shown_stock(item.stock) == shown_stock(item.stock - item.quantity) for item in sold)
            (rows.update_unshown if unshown else rows.update)(stock=F("stock") - taken)
    return lines
