"""Cart operations: add, change quantity, remove, merge, promo code. Stock is checked on every
change.

Stock is checked again, under row locks, when the order is placed: a cart reserves nothing.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductVariant
from comptoir.catalog.stock import stock_key
from comptoir.core.errors import DomainError
from comptoir.core.locks import lock
from comptoir.core.prepared import PreparedQuery
from comptoir.promotions.services import check_code

from .models import Cart, CartLine
from .services import CartItem, check_stock, goods_of

MAX_QUANTITY = 999


class CartError(DomainError):
    pass


def cart_items(cart: Cart | None) -> list[CartItem]:
    """The cart's items with their products, in one query."""
    if cart is None:
        return []
    lines = _LINES(cart_id=cart.pk)
    items = []
    for line in lines:
        if line.variant is not None:
            line.variant.product = line.product  # one product object: no query for the name
        items.append(CartItem(line.product, line.quantity, line.variant))
    return items


_LINES = PreparedQuery(
    lambda cart_id: CartLine.objects.filter(cart_id=cart_id)
    .select_related("product", "product__category", "variant").order_by("id"),
    cart_id=(1, 2),
)
_QUANTITIES = PreparedQuery(
    lambda cart_id: CartLine.objects.filter(cart_id=cart_id).values_list("quantity", flat=True),
    cart_id=(1, 2),
)


def cart_quantity(cart: Cart | None) -> int:
    """How many items the cart holds (the header's cart size: a prepared query)."""
    if cart is None:
        return 0
    return sum(_QUANTITIES(cart_id=cart.pk))


def add_to_cart(cart: Cart, *, product: Product, quantity: int,
                variant: ProductVariant | None = None) -> CartLine:
    """Add ``quantity`` of ``product`` (of its ``variant``, which a product sold by variant
    needs); the line's new quantity may not exceed the stock. An unsaved ``cart`` (a visitor's
    first product) is saved with its first line, in one transaction: nothing to lock or look up,
    and no cart is left behind when the product is refused."""
    _check_quantity(quantity, minimum=1)
    if not product.is_visible or not product.category.is_visible:
        raise CartError(_("This product is not sold any more."), code="unavailable")
    if not product.has_variants:
        variant = None
    elif variant is None or variant.product_id != product.pk:
        raise CartError(_("Choose one of the product's options."), code="variant")
    elif not variant.is_active:
        raise CartError(_("This combination is not available."), code="unavailable")
    with transaction.atomic():
        if cart._state.adding:  # nobody else knows this cart yet
            check_stock(variant or product, quantity)
            cart.save(force_insert=True)
            return CartLine.objects.create(cart=cart, product=product, variant=variant, quantity=quantity)
        lock(Cart.objects.filter(pk=cart.pk))
        line = CartLine.objects.filter(cart=cart, product=product, variant=variant).first()
        new_quantity = quantity + (line.quantity if line else 0)
        _check_quantity(new_quantity, minimum=1)
        check_stock(variant or product, new_quantity)
        if line is None:
            line = CartLine.objects.create(cart=cart, product=product, variant=variant,
                                           quantity=new_quantity)
        else:
            line.quantity = new_quantity
            line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
    return line


def set_line_quantity(cart: Cart, *, product_id: int, quantity: int, variant_id: int | None = None) -> None:
    """Change a line's quantity (the line of ``variant_id`` for a variant); 0 removes the line."""
    _check_quantity(quantity, minimum=0)
    with transaction.atomic():
        line = CartLine.objects.select_related("product", "variant__product").filter(
            cart=cart, product_id=product_id, variant_id=variant_id).first()
        if line is None:
            raise CartError(_("This product is not in your cart."), code="not_in_cart")
        if quantity == 0:
            line.delete()
            return
        check_stock(line.variant or line.product, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])


def remove_from_cart(cart: Cart, *, product_id: int, variant_id: int | None = None) -> None:
    CartLine.objects.filter(cart=cart, product_id=product_id, variant_id=variant_id).delete()


def merge_carts(source: Cart, *, into: Cart) -> None:
    """Move ``source``'s lines into ``into`` (at login), never above the stock; delete ``source``."""
    if source.pk == into.pk:
        return
    with transaction.atomic():
        existing = {stock_key(line): line for line in into.lines.all()}
        for line in source.lines.select_related("product", "variant"):
            target = existing.get(stock_key(line))
            wanted = line.quantity + (target.quantity if target else 0)
            quantity = min(wanted, (line.variant or line.product).stock, MAX_QUANTITY)
            if quantity <= 0:
                continue
            if target is None:
                CartLine.objects.create(cart=into, product=line.product, variant=line.variant,
                                        quantity=quantity)
            else:
                target.quantity = quantity
                target.save(update_fields=["quantity"])
        source.delete()


def apply_promo_code(cart: Cart, *, code: str, email: str = "") -> str:
    """Keep ``code`` on the cart when it can be used for its goods now; raises PromotionError
    (unknown, not yet or no longer valid, minimum not reached, limit reached) and changes
    nothing otherwise. ``place_order`` checks it again under the promotion's row lock."""
    with transaction.atomic():
        lock(Cart.objects.filter(pk=cart.pk))
        items = cart_items(cart)
        if not items:
            raise CartError(_("Your cart is empty."), code="empty_cart")
        cart.promo_code = check_code(code, goods_of(items), email=email)
        cart.save(update_fields=["promo_code", "updated_at"])
    return cart.promo_code


def remove_promo_code(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(promo_code="")
    cart.promo_code = ""


def _check_quantity(quantity, *, minimum: int) -> None:
    if not isinstance(quantity, int) or quantity < minimum or quantity > MAX_QUANTITY:
        raise CartError(
            _("Enter a quantity between %(minimum)s and %(maximum)s.")
            % {"minimum": minimum, "maximum": MAX_QUANTITY},
            code="quantity",
        )
