"""« J'accepte de recevoir les nouvelles de la boutique par courriel »: the consent is recorded
with its date and the exact words shown, only when the box is ticked (Canada's anti-spam law)."""

from decimal import Decimal

import pytest

from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.customers.models import Customer

from .helpers import add_to_cart, details_post, review_fields, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods():
    make_shop()
    return make_delivery_methods()


def place(client, methods, language="fr", **review):
    add_to_cart(client, make_product(price_amount=Decimal("10.00"), stock=5), 1)
    client.post(url("checkout", language), details_post(methods["shipped"]))
    page = client.get(url("checkout_review", language))
    response = client.post(url("checkout_review", language), {**review_fields(page), **review})
    assert response.status_code == 302
    return Customer.objects.get(), page.content.decode()


def test_the_ticked_box_records_the_date_and_the_words_shown(client, methods):
    customer, page = place(client, methods, news_consent="on")
    wording = "J'accepte de recevoir les nouvelles de la boutique par courriel"
    assert wording in page.replace("&#x27;", "'")
    assert customer.news_consent_wording == wording
    assert customer.news_consent_at is not None


def test_in_english_the_english_words_are_recorded(client, methods):
    customer, _page = place(client, methods, language="en", news_consent="on")
    assert customer.news_consent_wording == "I agree to receive the shop's news by email"


def test_without_the_box_nothing_is_recorded(client, methods):
    customer, _page = place(client, methods)
    assert customer.news_consent_at is None and customer.news_consent_wording == ""
