"""A guest orders in French in a real Chromium, clicking the French labels."""

import re
from decimal import Decimal

import pytest

from comptoir.core.testing import make_category, make_delivery_methods, make_product, make_shop
from comptoir.orders.models import Order

from .helpers import fill_in_checkout_details

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_tax_rates"),
]


@pytest.fixture
def catalogue():
    make_shop()
    make_delivery_methods()
    category = make_category(name_fr="Produits de l'érable", name_en="Maple products", slug="erable")
    make_product(category, name_fr="Sirop d'érable 540 ml", name_en="Maple syrup 540 ml", slug="sirop",
                 price_amount=Decimal("12.50"), stock=20, description_fr="Sirop ambré, goût riche.")
    make_product(category, name_fr="Beurre d'érable", slug="beurre", price_amount=Decimal("9.00"), stock=8)
    return category


def test_guest_orders_by_cheque_in_french(live_server, page, catalogue):
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("heading", name="Produits en vedette").wait_for()
    page.screenshot_as("storefront-1-accueil")

    page.get_by_role("navigation", name="Catégories").get_by_role("link", name="Produits de l'érable").click()
    page.get_by_role("heading", name="Produits de l'érable", level=1).wait_for()
    page.screenshot_as("storefront-2-categorie")

    page.get_by_role("link", name="Sirop d'érable 540 ml").click()
    page.get_by_role("heading", name="Sirop d'érable 540 ml").wait_for()
    page.get_by_label("Quantité").fill("4")
    page.screenshot_as("storefront-3-produit")
    page.get_by_role("button", name="Ajouter au panier").click()

    page.get_by_role("heading", name="Votre panier").wait_for()
    assert "50,00" in page.locator("table.lines").inner_text()
    page.screenshot_as("storefront-4-panier")
    page.get_by_role("link", name="Passer la commande").click()

    page.get_by_role("heading", name="Passer la commande").wait_for()
    fill_in_checkout_details(page, postal_code="h2v 4e7")
    page.get_by_label("Livraison à domicile").check()
    assert page.get_by_label("Livrer à mon adresse de facturation").is_checked()
    assert not page.get_by_role("group", name="Adresse de livraison").is_visible()
    page.get_by_label("Chèque, mandat-poste ou virement").check()
    page.screenshot_as("storefront-5-coordonnees")
    page.get_by_role("button", name="Vérifier ma commande").click()

    page.get_by_role("heading", name="Vérifiez votre commande").wait_for()
    totals = page.locator("table.lines tfoot").inner_text()
    # 50.00 + 12.00 delivery = 62.00: TPS 3.10, TVQ 6.18, total 71.28
    assert re.search(r"TPS \(5\s%\)\s+3,10", totals), totals
    assert re.search(r"TVQ \(9,975\s%\)\s+6,18", totals), totals
    assert "71,28" in totals
    assert Order.objects.count() == 0
    page.screenshot_as("storefront-6-verification")
    page.get_by_role("button", name="Confirmer ma commande").click()

    page.get_by_role("heading", name=re.compile(r"Merci de votre commande\s!")).wait_for()
    order = Order.objects.get()
    assert f"Votre numéro de commande est le {order.number}" in page.locator(".confirmation").inner_text()
    assert "Faites votre chèque" in page.content()
    page.screenshot_as("storefront-7-confirmation")
    assert order.total_amount == Decimal("71.28") and order.payment_method == "cheque"


def test_phone_layout_and_language_switch(live_server, page, catalogue):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/fr/produit/sirop/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Maple syrup 540 ml").wait_for()
    assert page.url.endswith("/en/produit/sirop/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot_as("storefront-8-telephone-en")
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Sirop d'érable 540 ml").wait_for()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("heading", name="Votre panier").wait_for()
    # On a phone the lines become cards; the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot_as("storefront-9-telephone-panier")
