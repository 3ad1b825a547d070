from decimal import Decimal

import pytest

from comptoir.catalog.models import Product
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import Order

from .helpers import add_to_cart, details_post, review_fields, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods():
    make_shop()
    return make_delivery_methods()


@pytest.fixture
def product():
    return make_product(price_amount=Decimal("100.00"), stock=5, name_fr="Panier gourmand",
                        name_en="Gift basket")


def checkout(client, methods, *, language="fr", **details):
    response = client.post(url("checkout", language), details_post(methods["shipped"], **details))
    assert response.status_code == 302, response.context and [
        f.errors for f in (response.context.get("contact_form"), response.context.get("billing_form"),
                           response.context.get("choice_form"), response.context.get("shipping_form")) if f
    ]
    assert response.url == url("checkout_review", language)
    return client.get(response.url)


def test_full_checkout_in_french(client, methods, product):
    add_to_cart(client, product, 1)
    review = checkout(client, methods)
    assert review.status_code == 200
    content = review.content.decode()
    assert "Panier gourmand" in content
    assert "TPS (5\u00a0%)" in content and "TVQ (9,975\u00a0%)" in content
    # 100.00 + home delivery 12.00 = 112.00 taxable: GST 5.60, QST 11.17, total 128.77.
    for amount in ("12,00", "5,60", "11,17", "128,77"):
        assert f"{amount}\u00a0$" in content

    response = client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == url("order_confirmation", token=order.token)
    assert order.language == "fr" and order.payment_method == "cheque"
    assert Invoice.objects.filter(order=order).exists()
    page = client.get(response.url).content.decode()
    assert str(order.number) in page
    assert "Faites votre chèque" in page
