"""Real concurrency on PostgreSQL: a code's usage limit holds when customers use it at once."""

import uuid
from decimal import Decimal

import pytest

from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import place_order
from comptoir.checkout.tests.test_concurrency import checkout_kwargs
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, run_together
from comptoir.orders.models import Order
from comptoir.promotions.models import Promotion, PromotionUsage
from comptoir.promotions.services import PromotionError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sixteen_customers_use_a_code_limited_to_five():
    make_shop()
    make_delivery_methods()
    promotion = Promotion.objects.create(name="Lancement", code="LANCEMENT", kind="percent",
                                         value=Decimal("20"),
                                         usage_limit=5)
    product = make_product(stock=100, price_amount=Decimal("100.00"))
    carts = []
    for _ in range(16):
        cart = Cart.objects.create(promo_code="LANCEMENT")
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)

    outcomes = run_together(16, lambda i: place_order(carts[i], **checkout_kwargs(i, uuid.uuid4().hex)))

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, PromotionError)]
    assert len(orders) == 5, outcomes
    assert len(refusals) == 11, outcomes
    assert all("n'est plus disponible" in str(refusal) for refusal in refusals)
    assert Order.objects.count() == 5
    assert all(order.discount_amount == Decimal("20.00") for order in Order.objects.all())
    assert PromotionUsage.objects.filter(promotion=promotion).count() == 5
    product.refresh_from_db()
    assert product.stock == 95  # the refused checkouts changed nothing
    assert CartLine.objects.count() == 11
