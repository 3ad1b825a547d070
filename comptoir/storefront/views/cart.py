"""The cart page and its actions (add, change quantity, remove)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import selectors
from comptoir.catalog.variants import find_variant
from comptoir.checkout.cart import (
    add_to_cart,
    apply_promo_code,
    cart_items,
    remove_from_cart,
    remove_promo_code,
    set_line_quantity,
)
from comptoir.checkout.services import goods_of
from comptoir.core.errors import DomainError
from comptoir.core.money import ZERO
from comptoir.core.search import is_plain_number
from comptoir.promotions.services import offer_for

from ..cart_session import CART_ITEMS_ATTRIBUTE, keep_cart, new_cart, session_cart
from ..forms import CartLineForm, PromoCodeForm, QuantityForm
from ..shop import current_shop


def refuse_in_catalogue_mode(request):
    """In catalogue mode the shop takes no orders: the cart and checkout say so and go home."""
    if not current_shop(request).catalogue_mode:
        return None
    messages.error(request, _("This shop shows its products only: it does not take orders online."))
    return redirect("storefront:home")


def cart(request):
    if refused := refuse_in_catalogue_mode(request):
        return refused
    current = session_cart(request)
    items = cart_items(current)
    setattr(request, CART_ITEMS_ATTRIBUTE, items)
    subtotal = sum((item.line_total_amount for item in items), ZERO)
    code = current.promo_code if current else ""
    # The promotions the cart gets now (the delivery fee is known at the next step).
    offer = offer_for(goods_of(items), code=code) if items else None
    discount = sum(offer.line_discounts, ZERO) if offer else ZERO
    return render(request, "storefront/cart/cart.html", {
        "items": items,
        "subtotal_amount": subtotal,
        "offer": offer, "discount_amount": discount, "promo_code": code,
        "promo_form": PromoCodeForm(),
        "insurance_amount": current_shop(request).insurance_fee_amount if items else ZERO,
        "short_stock": [item for item in items if item.quantity > item.stock],
    })


@require_POST
def add(request, slug):
    if refused := refuse_in_catalogue_mode(request):
        return refused
    product = selectors.get_visible_product(slug)
    if product is None:
        raise Http404
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["quantity"]))
        return redirect(product)
    variant = None
    if product.has_variants:
        variant, error = _chosen_variant(request, product)
        if error:
            messages.error(request, error)
            return redirect(product)
    cart = session_cart(request) or new_cart(request)
    try:
        add_to_cart(cart, product=product, variant=variant, quantity=form.cleaned_data["quantity"])
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(variant_url(product, variant))
    keep_cart(request, cart)
    messages.success(request, _("« %(name)s » was added to your cart.") % {"name": (variant or product).name})
    return redirect("storefront:cart")


def _chosen_variant(request, product):
    """The variant of the options ticked on the product page (``option_<id>`` = value id), or
    the translated reason why there is none."""
    value_ids = []
    for option in product.options.all():
        value = request.POST.get(f"option_{option.pk}", "")
        if not is_plain_number(value) or int(value) not in {v.pk for v in option.values.all()}:
            return None, _("Choose « %(option)s ».") % {"option": option.name}
        value_ids.append(int(value))
    variant = find_variant(product, value_ids)
    if variant is None or not variant.is_active:
        return None, _("This combination is not available.")
    return variant, ""


def variant_url(product, variant) -> str:
    """The product page showing ``variant`` (the page shows its price and stock)."""
    return product.get_absolute_url() + (f"?variante={variant.pk}" if variant is not None else "")


@require_POST
def update_line(request, product_id):
    if refused := refuse_in_catalogue_mode(request):
        return refused
    cart = session_cart(request)
    if cart is None:
        return redirect("storefront:cart")
    variant = request.POST.get("variant", "")
    variant_id = int(variant) if is_plain_number(variant) else None
    if "remove" in request.POST:
        remove_from_cart(cart, product_id=product_id, variant_id=variant_id)
        messages.success(request, _("The product was removed from your cart."))
        return redirect("storefront:cart")
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["quantity"]))
        return redirect("storefront:cart")
    try:
        set_line_quantity(cart, product_id=product_id, quantity=form.cleaned_data["quantity"],
                          variant_id=variant_id)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your cart was updated."))
    return redirect("storefront:cart")


@require_POST
def promo_code(request):
    """« Code promo »: apply the typed code (checked now, and again when the order is placed)
    or remove it. The discount is always computed by the server."""
    if refused := refuse_in_catalogue_mode(request):
        return refused
    cart = session_cart(request)
    if cart is None:
        return redirect("storefront:cart")
    if "remove" in request.POST:
        remove_promo_code(cart)
        messages.success(request, _("The promo code was removed."))
        return redirect("storefront:cart")
    form = PromoCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a promo code."))
        return redirect("storefront:cart")
    try:
        code = apply_promo_code(cart, code=form.cleaned_data["promo_code"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The promo code « %(code)s » was applied.") % {"code": code})
    return redirect("storefront:cart")
