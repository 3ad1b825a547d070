"""Real concurrency on PostgreSQL: row locks keep stock exact and the checkout token unique."""

import uuid
from decimal import Decimal

import pytest

from comptoir.catalog.models import Product, StockMovement
from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import place_order
from comptoir.checkout.testing import checkout_address
from comptoir.core.errors import OutOfStock
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, run_together
from comptoir.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def checkout_kwargs(index, token):
    return {
        "email": f"client{index}@example.test", "phone": "514 555-0100",
        "billing_address": checkout_address(), "shipping_address": checkout_address(),
        "delivery_method": make_delivery_methods()["shipped"], "payment_method": "cheque",
        "language": "fr", "checkout_token": token,
    }


def test_sixteen_customers_buy_the_last_five_units():
    make_shop()
    make_delivery_methods()
    product = make_product(stock=5, price_amount=Decimal("20.00"))
    carts = []
    for _ in range(16):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)

    outcomes = run_together(16, lambda i: place_order(carts[i], **checkout_kwargs(i, uuid.uuid4().hex)))

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, OutOfStock)]
    assert len(orders) == 5, outcomes
    assert len(refusals) == 11, outcomes
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == 5
    assert sorted(Order.objects.values_list("number", flat=True)) == [1001, 1002, 1003, 1004, 1005]
    assert StockMovement.objects.filter(product=product).count() == 5
    assert all(product.name_fr in str(refusal) for refusal in refusals)


def test_a_double_submit_gives_one_order():
    make_shop()
    make_delivery_methods()
    product = make_product(stock=5)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)

    outcomes = run_together(2, lambda i: place_order(cart, **checkout_kwargs(0, "double-submit")))

    assert all(isinstance(o, Order) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 3
