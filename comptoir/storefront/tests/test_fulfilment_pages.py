"""The customer's side of fulfilment: SMS consent at checkout, parcels on the order page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, make_staff_user
from comptoir.fulfilment.services import Parcel, cancel_shipment, mark_ready_for_pickup, ship_order
from comptoir.orders.models import Order

from .helpers import add_to_cart, details_post, review_fields, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods():
    make_shop()
    return make_delivery_methods()


@pytest.fixture
def merchant(db):
    return make_staff_user()


@pytest.mark.parametrize("ticked", [True, False])
def test_sms_consent_at_checkout_is_stored_on_the_order(client, methods, ticked):
    product = make_product(price_amount=Decimal("10.00"), stock=5)
    add_to_cart(client, product)
    page = client.get(url("checkout")).content.decode()
    assert "J&#x27;accepte de recevoir des SMS au sujet de ma commande" in page
    extra = {"contact-sms_consent": "on"} if ticked else {}
    client.post(url("checkout"), details_post(methods["shipped"], **extra))
    review = client.get(url("checkout_review"))
    client.post(url("checkout_review"), review_fields(review))
    assert Order.objects.get().sms_consent is ticked


def test_order_page_shows_parcels_with_tracking_links(client, methods, merchant):
    order = place_test_order([(make_product(name_fr="Tisane", price_amount=Decimal("9.00"), stock=9), 3)])
    line = order.lines.get()
    ship_order(
        order,
        parcel=Parcel(carrier="purolator", tracking_number="123456789012"),
        quantities={line.pk: 1},
        note="Le reste suit la semaine prochaine.",
        actor=merchant,
    )
    wrong = ship_order(
        order,
        parcel=Parcel(carrier="ups", tracking_number="1Z999AA10123456784"),
        quantities={line.pk: 1},
        actor=merchant,
    )
    cancel_shipment(wrong, actor=merchant)
    page = client.get(order.get_customer_url()).content.decode()
    assert "Partiellement expédiée" in page
    assert 'href="https://www.purolator.com/fr/shipping/tracker?pin=123456789012"' in page
    assert "1 × Tisane" in page and "Le reste suit la semaine prochaine." in page
    assert "1Z999AA10123456784" not in page  # a cancelled parcel is not shown


def test_pickup_state_on_the_order_page(client, methods, merchant):
    order = place_test_order(
        [(make_product(price_amount=Decimal("9.00"), stock=9), 1)], delivery_kind="pickup"
    )
    mark_ready_for_pickup(order, actor=merchant)
    page = client.get(order.get_customer_url()).content.decode()
    assert "Prête pour la cueillette" in page
    assert "Votre commande est prête : venez la chercher en magasin" in page
    english = client.get(url("order_detail", "en", token=order.token)).content.decode()
    assert "Ready for pickup" in english and "Your order is ready: pick it up at the store" in english


def test_order_page_queries_do_not_grow_with_parcels(client, methods, merchant):
    products = [make_product(price_amount=Decimal("2.00"), stock=50) for _ in range(8)]
    few = place_test_order([(products[0], 1)])
    many = place_test_order([(product, 4) for product in products])
    ship_order(few, parcel=Parcel(carrier="canpar", tracking_number="D123"), actor=merchant)
    for _ in range(4):
        ship_order(
            many,
            parcel=Parcel(carrier="canpar", tracking_number="D123"),
            quantities={line.pk: 1 for line in many.lines.all()},
            actor=merchant,
        )
    counts = []
    for order in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(order.get_customer_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
