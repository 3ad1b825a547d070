"""Checkout: what a shop accepts, how a cart is priced, and placing the order.

``place_order`` is one transaction: it locks the cart and the products (by id, so concurrent
checkouts never deadlock), refuses when stock is short without changing anything, then writes
the order, its snapshot lines and taxes, the stock movements, the customer, the timeline entry,
the invoice (when a payment method was chosen) and the outbox messages.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import DomainError, OutOfStock
from comptoir.core.i18n import LANGUAGE_CODES
from comptoir.core.models import Sequence
from comptoir.core.money import quantize
from comptoir.core.provinces import validate_postal_code
from comptoir.customers.models import Address
from comptoir.customers.services import create_account, record_customer
from comptoir.invoicing.services import issue_invoice
from comptoir.merchant.models import ShopSettings
from comptoir.orders.events import record_event
from comptoir.orders.messages import queue_order_placed_messages
from comptoir.orders.models import Order, OrderEvent, OrderLine, OrderTax
from comptoir.orders.pricing import PricedLine, Quote, price_order

from .models import Cart

PaymentMethod = Order.PaymentMethod


class CheckoutError(DomainError):
    pass


def enabled_payment_methods(shop: ShopSettings) -> list[str]:
    """The payment methods the merchant offers; empty in order-details-only mode."""
    if shop.order_details_only:
        return []
    offered = [
        (PaymentMethod.PAYPAL, shop.paypal_enabled),
        (PaymentMethod.CHEQUE, shop.cheque_enabled),
        (PaymentMethod.CASH_ON_DELIVERY, shop.cash_on_delivery_enabled),
    ]
    return [method.value for method, enabled in offered if enabled]


@dataclass(frozen=True)
class CartItem:
    product: Product
    quantity: int

    @property
    def line_total_amount(self) -> Decimal:
        return quantize(self.product.price_amount * self.quantity)


def price_items(items, *, delivery_method, shop, shipping_address: Address | None) -> Quote:
    """Price cart items at their current catalogue price (review step and ``place_order``)."""
    return price_order(
        [PricedLine(item.product.price_amount, item.quantity, item.product.is_taxable) for item in items],
        delivery_method=delivery_method,
        shop=shop,
        destination_province=shipping_address.province if shipping_address else None,
        destination_country=shipping_address.country if shipping_address else "CA",
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
) -> Order:
    """Turn ``cart`` into an order. The same ``checkout_token`` twice returns the first order."""
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _place(
                cart, email=email.strip(), phone=phone.strip(), billing_address=billing_address,
                shipping_address=None if delivery_method.is_pickup else shipping_address,
                delivery_method=delivery_method, payment_method=payment_method or "",
                language=language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
                checkout_token=checkout_token, user=user,
                create_account_password=create_account_password,
            )
    except IntegrityError:
        # A concurrent submission of the same form won the unique checkout_token: its order is
        # the answer (this transaction rolled back, so nothing of it remains).
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing is None:
            raise
        return existing


def _place(cart, *, email, phone, billing_address, shipping_address, delivery_method, payment_method,
           language, checkout_token, user, create_account_password) -> Order:
    shop = ShopSettings.load()
    _check_request(shop, email=email, delivery_method=delivery_method, payment_method=payment_method,
                   billing_address=billing_address, shipping_address=shipping_address)
    # Serialize submissions of the same cart, then look for an order made meanwhile.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        return existing
    items = _locked_items(cart)
    if user is None and create_account_password:
        user = create_account(email=email, password=create_account_password,
                              first_name=billing_address.first_name, last_name=billing_address.last_name)
    customer = record_customer(email=email, phone=phone, language=language, user=user,
                               billing_address=billing_address, shipping_address=shipping_address)
    quote = price_items(items, delivery_method=delivery_method, shop=shop, shipping_address=shipping_address)
    order = _create_order(
        shop, quote, customer=customer, email=email, phone=phone, language=language,
        billing_address=billing_address, shipping_address=shipping_address,
        delivery_method=delivery_method, payment_method=payment_method, checkout_token=checkout_token,
    )
    _write_lines(order, items, actor=user)
    for position, line in enumerate(quote.taxes.lines):
        OrderTax.objects.create(order=order, code=line.code, rate=line.rate, amount=line.amount,
                                position=position)
    record_event(order, OrderEvent.Kind.PLACED, actor=user, number=order.number,
                 total=str(order.total_amount), payment_method=payment_method)
    cart.lines.all().delete()
    _invoice_and_notify(order)
    return order


def _invoice_and_notify(order: Order) -> None:
    if order.payment_method:
        issue_invoice(order)
    queue_order_placed_messages(order)


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


def _locked_items(cart) -> list[CartItem]:
    """The cart's items on locked product rows, at their current price; refuses short stock."""
    quantities = dict(cart.lines.values_list("product_id", "quantity"))
    if not quantities:
        raise CheckoutError(_("Your cart is empty."), code="empty_cart")
    products = Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
    items = [CartItem(product, quantities[product.pk]) for product in products]
    if len(items) != len(quantities) or any(not item.product.is_visible for item in items):
        raise CheckoutError(_("A product of your cart is no longer sold."), code="unavailable")
    for item in items:
        check_stock(item.product, item.quantity)
    return items


def check_stock(product: Product, quantity: int) -> None:
    """Raise OutOfStock, naming the product, when ``quantity`` is more than what is left."""
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
                  shipping_address, delivery_method, payment_method, checkout_token) -> Order:
    billing_address.pk = None
    billing_address.save()
    if shipping_address is not None:
        shipping_address.pk = None
        shipping_address.save()
    is_cheque = payment_method == PaymentMethod.CHEQUE
    return Order.objects.create(
        number=Sequence.next_value("order", start=1001), checkout_token=checkout_token,
        customer=customer, email=email, phone=phone, language=language,
        billing_address=billing_address, shipping_address=shipping_address,
        delivery_method=delivery_method, delivery_name_fr=delivery_method.name_fr,
        delivery_name_en=delivery_method.name_en, delivery_kind=delivery_method.kind,
        payment_method=payment_method,
        payment_instructions=shop.cheque_instructions(language) if is_cheque else "",
        tax_province=quote.tax_province or "", subtotal_amount=quote.subtotal_amount,
        shipping_amount=quote.shipping_amount, insurance_amount=quote.insurance_amount,
        tax_total=quote.tax_total, total_amount=quote.total_amount, placed_at=timezone.now(),
    )


def _write_lines(order: Order, items: list[CartItem], *, actor) -> None:
    """Snapshot lines, stock decrements and stock movements: a fixed number of queries."""
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, product=item.product, sku=item.product.sku, name_fr=item.product.name_fr,
            name_en=item.product.name_en, unit_price_amount=item.product.price_amount,
            quantity=item.quantity, is_taxable=item.product.is_taxable,
            line_total_amount=item.line_total_amount, position=position,
        )
        for position, item in enumerate(items)
    )
    taken = Case(*(When(pk=item.product.pk, then=Value(item.quantity)) for item in items),
                 output_field=IntegerField())
    Product.objects.filter(pk__in=[item.product.pk for item in items]).update(stock=F("stock") - taken)
    StockMovement.objects.bulk_create(
        StockMovement(product=item.product, change=-item.quantity, reason=StockMovement.Reason.SALE,
                      order_number=order.number, actor=actor)
        for item in items
    )
