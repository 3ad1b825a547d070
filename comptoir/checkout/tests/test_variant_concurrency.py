"""Real concurrency on PostgreSQL: the stock of a variant is never oversold."""

import uuid

import pytest

from comptoir.catalog.models import StockMovement
from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import place_order
from comptoir.checkout.tests.test_concurrency import checkout_kwargs
from comptoir.core.errors import OutOfStock
from comptoir.core.testing import (
    make_delivery_methods,
    make_shop,
    make_variant_product,
    run_together,
    variant_of,
)
from comptoir.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sixteen_customers_buy_the_last_five_units_of_a_variant():
    make_shop()
    make_delivery_methods()
    coffee = make_variant_product(name_fr="Café du Plateau",
                                  variants={("250 g",): ("12.95", 9), ("1 kg",): ("39.95", 5)})
    small, big = variant_of(coffee, "250 g"), variant_of(coffee, "1 kg")
    carts = []
    for _ in range(16):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=coffee, variant=big, quantity=1)
        carts.append(cart)

    outcomes = run_together(16, lambda i: place_order(carts[i], **checkout_kwargs(i, uuid.uuid4().hex)))

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, OutOfStock)]
    assert len(orders) == 5, outcomes
    assert len(refusals) == 11, outcomes
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.stock, small.stock) == (0, 9)
    assert StockMovement.objects.filter(variant=big, change=-1).count() == 5
    assert all("Café du Plateau — 1 kg" in str(refusal) for refusal in refusals)
