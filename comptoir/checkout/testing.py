"""Test builder that places an order through the real checkout (stock, invoice, messages)."""

import uuid

from comptoir.catalog.models import ProductVariant
from comptoir.core.testing import make_delivery_methods, make_shop
from comptoir.customers.models import Address
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order

from .models import Cart, CartLine
from .services import place_order


def checkout_address(**overrides) -> Address:
    """An unsaved address in Montréal (override ``province``/``postal_code`` together)."""
    values = {
        "first_name": "Marie", "last_name": "Tremblay", "line1": "4567, avenue du Parc",
        "city": "Montréal", "province": "QC", "postal_code": "H2V 4E7", "phone": "514 555-0199",
    }
    values.update(overrides)
    return Address(**values)


def place_test_order(products_and_quantities, **kwargs) -> Order:
    """Put ``[(product, quantity), …]`` (a product or a ``ProductVariant``) in a new cart and
    place it with ``place_order``.

    Defaults: home delivery in Québec, cheque, French, a guest. Any ``place_order`` keyword can
    be overridden, plus ``delivery_kind`` ("shipped", "pickup", "local") to pick a default method
    and ``promo_code`` (the cart's « Code promo »).
    """
    if not ShopSettings.objects.exists():
        make_shop()
    delivery_kind = kwargs.pop("delivery_kind", "shipped")
    if "delivery_method" not in kwargs:
        kwargs["delivery_method"] = make_delivery_methods()[delivery_kind]
    cart = Cart.objects.create(promo_code=kwargs.pop("promo_code", ""))
    for product, quantity in products_and_quantities:
        if isinstance(product, ProductVariant):
            CartLine.objects.create(cart=cart, product_id=product.product_id, variant=product,
                                    quantity=quantity)
        else:
            CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    values = {
        "email": "marie.tremblay@example.test",
        "phone": "514 555-0199",
        "billing_address": checkout_address(),
        "shipping_address": None if kwargs["delivery_method"].is_pickup else checkout_address(),
        "payment_method": Order.PaymentMethod.CHEQUE,
        "language": "fr",
        "checkout_token": uuid.uuid4().hex,
    }
    values.update(kwargs)
    return place_order(cart, **values)
