"""The confirmation of an order runs a fixed number of queries, whatever the number of lines."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import place_order
from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order
from comptoir.shipping.models import DeliveryMethod
from comptoir.storefront.tests.helpers import add_to_cart, details_post, review_fields, url

MAX_QUERIES = 40


def _products(count: int, prefix: str = "a"):
    return [
        make_product(price_amount=Decimal("10.00"), stock=50, sku=f"QC-{prefix}{index}",
                     slug=f"produit-{prefix}{index}", name_fr=f"Produit {index}", name_en=f"Product {index}")
        for index in range(count)
    ]


def _place_and_count(count: int, prefix: str, *, email: str) -> int:
    cart = Cart.objects.create()
    CartLine.objects.bulk_create(CartLine(cart=cart, product=product, quantity=2)
                                 for product in _products(count, prefix))
    method = DeliveryMethod.objects.get(kind="shipped")
    with CaptureQueriesContext(connection) as queries:
        order = place_order(
            cart, email=email, phone="514 555-0199", billing_address=checkout_address(),
            shipping_address=checkout_address(), delivery_method=method, payment_method="cheque",
            language="fr", checkout_token=uuid.uuid4().hex,
        )
    assert order.lines.count() == count and order.invoice.lines.count() == count
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("returning_customer", [False, True])
def test_place_order_runs_a_fixed_number_of_queries_whatever_the_number_of_lines(returning_customer):
    # Every message the shop can send for a new order: customer email, merchant email and SMS.
    make_shop(alert_new_order="both", alert_mobile="514 555-0100")
    make_delivery_methods()
    place_test_order([(make_product(sku="FIRST", slug="first"), 1)])  # the counters exist from now on
    email = "marie.tremblay@example.test" if returning_customer else "{lines}@example.test"
    one_line = _place_and_count(1, "a", email=email.format(lines=1))
    seven_lines = _place_and_count(7, "b", email=email.format(lines=7))
    assert one_line == seven_lines
    assert one_line <= MAX_QUERIES
    assert Notification.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_confirmation_request_stays_within_forty_queries(client, django_assert_max_num_queries):
    """The whole confirmation request (session, cart, place_order, messages), counted as in
    production: outside a test transaction, so no test-only savepoints are counted."""
    make_shop(alert_new_order="both", alert_mobile="514 555-0100")
    methods = make_delivery_methods()
    # A first order, so the counters exist (a flush by an earlier transactional test empties them).
    place_test_order([(make_product(sku="FIRST", slug="first"), 1)], email="first@example.test")
    for product in _products(5):
        add_to_cart(client, product, 1)
    review = client.get(client.post(url("checkout"), details_post(methods["shipped"])).url)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get(email="marie.tremblay@example.test")
    assert response.status_code == 302 and response.url == url("order_confirmation", token=order.token)
    assert order.lines.count() == 5 and order.invoice.lines.count() == 5
    assert Notification.objects.filter(reference=f"order:{order.pk}").count() == 3
