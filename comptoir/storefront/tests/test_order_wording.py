"""The checkout counts articles like the cart badge of the header, and the customer's order page
tells how to pay only while a payment is expected."""

from decimal import Decimal

import pytest

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop
from comptoir.payments.services import record_payment

from .helpers import add_to_cart, url

pytestmark = pytest.mark.django_db


def test_checkout_counts_articles_like_the_header(client):
    make_shop()
    make_delivery_methods()
    add_to_cart(client, make_product(name_fr="Tisane", name_en="Herbal tea", stock=5), 2)
    page = client.get(url("checkout")).content.decode()
    assert "Votre panier contient 2 articles." in page
    assert '<span class="badge" aria-hidden="true">2</span>' in page
    assert "Your cart holds 2 items." in client.get(url("checkout", "en")).content.decode()
    add_to_cart(client, make_product(name_fr="Savon", name_en="Soap", stock=5), 1)
    assert "Votre panier contient 3 articles." in client.get(url("checkout")).content.decode()


def test_how_to_pay_is_shown_only_while_a_payment_is_expected(client):
    make_shop()
    order = place_test_order([(make_product(price_amount=Decimal("100.00")), 1)])
    assert "Faites votre chèque" in client.get(order.get_customer_url()).content.decode()
    record_payment(order.invoice, method="cheque")
    assert "Faites votre chèque" not in client.get(order.get_customer_url()).content.decode()

    not_invoiced = make_order(payment_method="cheque")
    assert "Faites votre chèque" in client.get(not_invoiced.get_customer_url()).content.decode()
    for status in ("completed", "cancelled"):
        closed = make_order(payment_method="cheque", status=status)
        assert "Faites votre chèque" not in client.get(closed.get_customer_url()).content.decode()
