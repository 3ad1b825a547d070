"""axe-core on the storefront's pages, in a real Chromium: no "serious" or "critical" violation
(contrast, names of links and buttons, labels, landmarks, headings, lang…) in French, and for
the product page and the cart in English on a phone."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import (
    check_accessibility,
    focus_without_ring,
    make_category,
    make_delivery_methods,
    make_product,
    make_shop,
)

from .helpers import fill_in_checkout_details

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_tax_rates"),
]


def png(color=(180, 120, 40)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), color).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="image.png")


@pytest.fixture
def catalogue():
    make_shop()
    make_delivery_methods()
    category = make_category(name_fr="Produits de l'érable", name_en="Maple products", slug="erable",
                             description_fr="Sirops, beurres et tires du Québec.")
    category.image.save("erable.png", png(), save=True)
    syrup = make_product(category, name_fr="Sirop d'érable 540 ml", name_en="Maple syrup 540 ml",
                         slug="sirop", price_amount=Decimal("12.50"), stock=20,
                         description_fr="Sirop ambré, goût riche.", description_en="Amber syrup.")
    syrup.image.save("sirop.png", png(), save=True)
    make_product(category, name_fr="Beurre d'érable", slug="beurre", price_amount=Decimal("9.00"), stock=3)
    make_product(category, name_fr="Tire d'érable", slug="tire", price_amount=Decimal("7.00"), stock=0)
    return syrup


def test_catalogue_pages_in_french(live_server, page, catalogue):
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("heading", name="Produits en vedette").wait_for()
    check_accessibility(page, "storefront home")

    page.goto(f"{live_server.url}/fr/categorie/erable/")
    page.get_by_role("heading", name="Produits de l'érable", level=1).wait_for()
    check_accessibility(page, "category page")

    page.goto(f"{live_server.url}/fr/produit/sirop/")
    page.get_by_role("heading", name="Sirop d'érable 540 ml").wait_for()
    check_accessibility(page, "product page")
    assert focus_without_ring(page) == []

    page.get_by_role("search").get_by_label("Chercher dans la boutique").fill("érable")
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", name="Résultats pour « érable »").wait_for()
    check_accessibility(page, "search results")

    response = page.goto(f"{live_server.url}/fr/produit/nexiste-pas/")
    assert response.status == 404
    page.get_by_role("heading", name="Page introuvable").wait_for()
    check_accessibility(page, "404 page")


def test_checkout_pages_in_french(live_server, page, catalogue):
    page.goto(f"{live_server.url}/fr/produit/sirop/")
    page.get_by_label("Quantité").fill("2")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("heading", name="Votre panier").wait_for()
    # The count of the header's cart link is read with its unit, not as a bare number.
    account_nav = page.get_by_role("navigation", name="Votre compte")
    account_nav.get_by_role("link", name="Panier 2 articles").wait_for()
    check_accessibility(page, "cart with a line")

    page.get_by_role("link", name="Passer la commande").click()
    page.get_by_role("heading", name="Passer la commande").wait_for()
    page.get_by_role("group", name="Coordonnées").get_by_label("Courriel").fill("pas-un-courriel")
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.locator(".errorlist").first.wait_for()
    check_accessibility(page, "checkout details with validation errors")

    fill_in_checkout_details(page)
    page.get_by_label("Livraison à domicile").check()
    page.get_by_label("Chèque, mandat-poste ou virement").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.get_by_role("heading", name="Vérifiez votre commande").wait_for()
    check_accessibility(page, "review page")

    page.get_by_role("button", name="Confirmer ma commande").click()
    page.locator(".confirmation").wait_for()
    check_accessibility(page, "confirmation page")

    page.get_by_role("link", name="Voir ma commande").click()
    page.get_by_role("heading", name=re.compile(r"^Commande \d+$")).wait_for()
    check_accessibility(page, "guest order page")


def test_guest_order_page_with_an_unpaid_invoice(live_server, page, catalogue):
    order = place_test_order([(catalogue, 2)])
    with translation.override("fr"):
        path = reverse("storefront:order_detail", kwargs={"token": order.token})
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("heading", name=f"Commande {order.number}").wait_for()
    check_accessibility(page, "guest order page with its invoice")


def test_account_pages_in_french(live_server, page, catalogue):
    page.goto(f"{live_server.url}/fr/compte/connexion/")
    page.get_by_role("heading", name="Se connecter", level=1).wait_for()
    check_accessibility(page, "customer login page")

    page.goto(f"{live_server.url}/fr/compte/mot-de-passe/")
    page.get_by_role("button", name="M'envoyer un lien").wait_for()
    check_accessibility(page, "password reset page")


def test_product_and_cart_in_english_on_a_phone(live_server, page, catalogue):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/en/produit/sirop/")
    page.get_by_role("heading", name="Maple syrup 540 ml").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    check_accessibility(page, "product page, English, phone")

    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("heading", name="Your cart").wait_for()
    check_accessibility(page, "cart, English, phone")


def test_the_check_fails_on_a_serious_violation_and_ignores_only_the_named_element(page):
    page.set_content(
        '<!doctype html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>'
        '<img src="data:," class="logo"><img src="data:," class="photo"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page, "two images without alt")
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page, "one image allowed", false_positives=(
            ("image-alt", "img.logo", "only this element is ignored"),))
    assert 'class="photo"' in str(failure.value) and 'class="logo"' not in str(failure.value)
    assert check_accessibility(page, "both allowed", false_positives=(
        ("image-alt", "img", "both are ignored"),)) == []


def test_the_focus_check_finds_an_element_without_a_focus_ring(page):
    page.set_content(
        '<!doctype html><html lang="fr"><head><title>Essai</title>'
        "<style>.plain:focus-visible { outline: none; }</style></head><body>"
        '<a href="#un">Un</a><button class="plain">Deux</button><button>Trois</button></body></html>'
    )
    assert focus_without_ring(page) == ['<button class="plain">Deux</button>']
