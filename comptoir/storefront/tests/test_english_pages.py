"""The English storefront reads as English: quotation marks and amounts of the delivery choices."""

from decimal import Decimal

import pytest

from comptoir.core.testing import make_delivery_methods, make_product, make_shop

from .helpers import add_to_cart, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    make_shop()
    make_delivery_methods()
    return make_product(price_amount=Decimal("20.00"), name_fr="Panier gourmand", name_en="Gift basket")


def test_the_added_to_cart_message_uses_english_quotation_marks(client, product):
    response = add_to_cart(client, product, language="en")
    page = client.get(response.url).content.decode()
    assert "“Gift basket” was added to your cart." in page
    assert "«" not in page


def test_the_added_to_cart_message_keeps_french_quotation_marks_in_french(client, product):
    response = add_to_cart(client, product)
    page = client.get(response.url).content.decode()
    assert "«\u00a0Panier gourmand\u00a0»" in page or "« Panier gourmand »" in page


def test_search_results_heading_in_english(client, product):
    page = client.get(url("search", "en"), {"q": "basket"}).content.decode()
    assert "Results for “basket”" in page


def delivery_labels(response) -> list[str]:
    return [str(label) for _value, label in response.context["choice_form"].fields["delivery_method"].choices]


def test_delivery_choices_show_amounts_in_english_on_english_pages(client, product):
    add_to_cart(client, product, language="en")
    response = client.get(url("checkout", "en"))
    labels = delivery_labels(response)
    assert "Home delivery — $12.00 (free from $150.00) · 3 to 5 business days" in labels
    assert "12,00" not in response.content.decode()


def test_delivery_choices_show_amounts_in_french_on_french_pages(client, product):
    add_to_cart(client, product)
    response = client.get(url("checkout"))
    labels = delivery_labels(response)
    home = next(label for label in labels if label.startswith("Livraison à domicile — "))
    assert "12,00\u00a0$" in home and "150,00\u00a0$" in home
    assert "$12.00" not in response.content.decode()
