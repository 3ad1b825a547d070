"""End to end: a guest orders by cheque; the outbox delivers both emails over real SMTP."""

from decimal import Decimal

import pytest
from django.conf import settings

from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.notifications.services import deliver_pending
from comptoir.orders.models import Order

from .helpers import add_to_cart, details_post, review_fields, url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_tax_rates")]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_guest_cheque_order_emails_reach_the_customer_and_the_merchant(client, smtp_server):
    make_shop()
    methods = make_delivery_methods()
    product = make_product(name_fr="Confiture de bleuets", price_amount=Decimal("100.00"), stock=5)
    add_to_cart(client, product)
    client.post(url("checkout"), details_post(methods["shipped"], **{"contact-email": "invite@example.test"}))
    review = client.get(url("checkout_review"))
    client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert smtp_server.messages == []  # nothing is sent inside the request's transaction

    assert deliver_pending() == 2

    [customer_email] = smtp_server.to("invite@example.test")
    assert str(order.number) in customer_email["Subject"]
    body = text_of(customer_email)
    assert "Confiture de bleuets" in body
    assert "TPS" in body and "TVQ" in body and "128,77" in body
    assert "Faites votre chèque à l'ordre des Délices du Comptoir inc." in body
    assert settings.SITE_URL + order.get_customer_url() in body
    assert "Bonjour" in body  # French, the language the guest ordered in

    [merchant_email] = smtp_server.to("marchand@delices.test")
    assert str(order.number) in merchant_email["Subject"]
    assert "Nouvelle commande" in merchant_email["Subject"]

    assert client.get(order.get_customer_url()).status_code == 200  # the guest link works
