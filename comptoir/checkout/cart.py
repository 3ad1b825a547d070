"""Cart operations: add, change quantity, remove, merge, promo code. Stock is checked on every
change.

Stock is checked again, under row locks, when the order is placed: a cart reserves nothing.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product
from comptoir.core.errors import DomainError
from comptoir.core.locks import lock
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
    lines = cart.lines.select_related("product", "product__category").order_by("id")
    return [CartItem(line.product, line.quantity) for line in lines]


def cart_quantity(cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(cart.lines.values_list("quantity", flat=True))


def add_to_cart(cart: Cart, *, product: Product, quantity: int) -> CartLine:
    """Add ``quantity`` of ``product``; the line's new quantity may not exceed the stock."""
    _check_quantity(quantity, minimum=1)
    if not product.is_visible or not product.category.is_visible:
        raise CartError(_("This product is not sold any more."), code="unavailable")
    with transaction.atomic():
        lock(Cart.objects.filter(pk=cart.pk))
        line = CartLine.objects.filter(cart=cart, product=product).first()
        new_quantity = quantity + (line.quantity if line else 0)
        _check_quantity(new_quantity, minimum=1)
        check_stock(product, new_quantity)
        if line is None:
            line = CartLine.objects.create(cart=cart, product=product, quantity=new_quantity)
        else:
            line.quantity = new_quantity
            line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
    return line


def set_line_quantity(cart: Cart, *, product_id: int, quantity: int) -> None:
    """Change a line's quantity; 0 removes the line."""
    _check_quantity(quantity, minimum=0)
    with transaction.atomic():
        line = CartLine.objects.select_related("product").filter(cart=cart, product_id=product_id).first()
        if line is None:
            raise CartError(_("This product is not in your cart."), code="not_in_cart")
        if quantity == 0:
            line.delete()
            return
        check_stock(line.product, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])


def remove_from_cart(cart: Cart, *, product_id: int) -> None:
    CartLine.objects.filter(cart=cart, product_id=product_id).delete()


def merge_carts(source: Cart, *, into: Cart) -> None:
    """Move ``source``'s lines into ``into`` (at login), never above the stock; delete ``source``."""
    if source.pk == into.pk:
        return
    with transaction.atomic():
        existing = {line.product_id: line for line in into.lines.all()}
        for line in source.lines.select_related("product"):
            target = existing.get(line.product_id)
            wanted = line.quantity + (target.quantity if target else 0)
            quantity = min(wanted, line.product.stock, MAX_QUANTITY)
            if quantity <= 0:
                continue
            if target is None:
                CartLine.objects.create(cart=into, product=line.product, quantity=quantity)
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
