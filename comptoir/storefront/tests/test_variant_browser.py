"""In Chromium, in French: a customer picks « 1 kg » of a coffee sold in 250 g and 1 kg."""

import re

import pytest

from comptoir.core.testing import (
    make_category,
    make_delivery_methods,
    make_shop,
    make_variant_product,
    variant_of,
)
from comptoir.invoicing.tests.test_pdf import pdf_text
from comptoir.orders.models import Order

from .helpers import fill_in_checkout_details

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_tax_rates"),
]


def test_the_customer_picks_1_kg_and_the_order_and_invoice_name_it(live_server, page):
    make_shop()
    make_delivery_methods()
    coffee = make_variant_product(
        make_category(name_fr="Cafés", slug="cafes"), name_fr="Café du Plateau", name_en="Plateau coffee",
        slug="cafe-plateau", variants={("250 g",): ("12.95", 10), ("1 kg",): ("39.95", 6)})

    page.goto(f"{live_server.url}/fr/produit/cafe-plateau/")
    page.get_by_role("heading", name="Café du Plateau").wait_for()
    price = page.locator("#variant-price")
    assert "12,95" in price.inner_text()
    assert page.get_by_label("250 g").is_checked()
    page.get_by_label("1 kg").check()
    assert "39,95" in price.inner_text()
    assert variant_of(coffee, "1 kg").sku in page.locator("#variant-sku").inner_text()
    page.screenshot_as("variants-1-produit")
    page.get_by_role("button", name="Ajouter au panier").click()

    page.get_by_role("heading", name="Votre panier").wait_for()
    assert "Café du Plateau — 1 kg" in page.locator("table.lines").inner_text()
    assert "39,95" in page.locator("table.lines").inner_text()
    page.get_by_role("link", name="Passer la commande").click()
    page.get_by_role("heading", name="Passer la commande").wait_for()
    fill_in_checkout_details(page)
    page.get_by_label("Livraison à domicile").check()
    page.get_by_label("Chèque, mandat-poste ou virement").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.get_by_role("heading", name="Vérifiez votre commande").wait_for()
    assert "Café du Plateau — 1 kg" in page.locator("table.lines").inner_text()
    page.get_by_role("button", name="Confirmer ma commande").click()
    page.get_by_role("heading", name=re.compile(r"Merci de votre commande\s!")).wait_for()

    order = Order.objects.get()
    line = order.lines.get()
    assert (line.name_fr, line.variant_id) == ("Café du Plateau — 1 kg", variant_of(coffee, "1 kg").pk)
    page.goto(live_server.url + order.get_customer_url())
    assert "Café du Plateau — 1 kg" in page.locator("table.lines").inner_text()
    pdf = page.request.get(live_server.url + f"/fr/commande/{order.token}/facture/")
    assert pdf.ok and "Café du Plateau — 1 kg" in pdf_text(pdf.body())
    assert (variant_of(coffee, "1 kg").stock, variant_of(coffee, "250 g").stock) == (5, 10)
