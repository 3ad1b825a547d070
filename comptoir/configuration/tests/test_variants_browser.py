"""In Chromium, in French: the merchant gives a coffee its formats, generates the combinations,
prices the 1 kg, and the storefront sells it at that price."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.core.testing import make_product, variant_of

from .test_browser import shop_with_product, sign_in  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_the_combinations_then_price_the_1_kg(page, live_server, shop_with_product):  # noqa: F811
    coffee = make_product(shop_with_product.category, name_fr="Café du Plateau", sku="CAF", slug="cafe",
                          price_amount=Decimal("12.95"), stock=7)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/produits/{coffee.pk}/")
    page.get_by_role("link", name="Options et variantes").first.click()
    expect(page.get_by_role("heading", name=re.compile("Options et variantes"))).to_be_visible()

    first = page.get_by_role("group", name="Option 1")
    first.get_by_label("Option (français)").fill("Format")
    first.get_by_label("Option (anglais)").fill("Size")
    first.get_by_label("Valeurs (français), une par ligne").fill("250 g\n1 kg")
    page.get_by_role("button", name="Générer toutes les combinaisons").click()
    expect(page.get_by_text("Variantes créées : 2.")).to_be_visible()

    page.get_by_label("Prix de 1 kg").fill("39,95")
    page.screenshot_as("variants-gestion")
    page.get_by_role("button", name="Enregistrer les variantes").click()
    expect(page.get_by_text("Les variantes ont été enregistrées.")).to_be_visible()

    assert variant_of(coffee, "1 kg").price_amount == Decimal("39.95")
    assert variant_of(coffee, "250 g").stock == 7  # the product's stock went to the first variant
    page.goto(f"{live_server.url}/fr/produit/cafe/")
    page.get_by_label("1 kg").check()
    assert "39,95" in page.locator("#variant-price").inner_text()
