"""The storefront header, in a real Chromium: one line from 1024 px wide (shop name and logo,
search, cart, account links, « Français / English »), and on a phone it wraps without
overflowing the screen."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from comptoir.core.testing import make_category, make_delivery_methods, make_product, make_shop
from comptoir.merchant.demo import images
from comptoir.merchant.demo.shop import SHOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "motdepasse-client-42"

# Top of each part of the header bar, and whether the page scrolls sideways.
MEASURE = """() => {
  const parts = [...document.querySelector('.header-bar').children].map(el => {
    const box = el.getBoundingClientRect();
    return {name: el.className, top: Math.round(box.top), bottom: Math.round(box.bottom)};
  });
  const page = document.documentElement;
  return {parts, overflow: page.scrollWidth - page.clientWidth};
}"""


@pytest.fixture
def demo_shop(db):
    """The demo shop's long name and its logo, a signed-in customer and an item in the cart:
    the widest header the storefront shows."""
    shop = make_shop(legal_name=SHOP["legal_name"], trade_name=SHOP["trade_name"])
    shop.logo.save("logo.png", ContentFile(images.logo(SHOP["trade_name"])), save=True)
    make_delivery_methods()
    product = make_product(make_category(), name_fr="Sirop d'érable", slug="sirop", stock=9)
    email = "marie.tremblay@example.test"
    get_user_model().objects.create_user(email, email, PASSWORD)
    return product


def sign_in_and_fill_the_cart(page, live_server, product):
    page.goto(f"{live_server.url}/fr/compte/connexion/")
    page.fill("#id_username", "marie.tremblay@example.test")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.get_by_role("link", name="Mes commandes").wait_for()
    page.goto(f"{live_server.url}/fr/produit/{product.slug}/")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("heading", name="Votre panier").wait_for()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_header_holds_on_one_line_from_1024_px(page, live_server, demo_shop, language):
    sign_in_and_fill_the_cart(page, live_server, demo_shop)
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/{language}/")
        measures = page.evaluate(MEASURE)
        bottoms = {part["bottom"] for part in measures["parts"]}
        tops = {part["top"] for part in measures["parts"]}
        # On one line, every part lies across the same horizontal band.
        assert max(tops) < min(bottoms), (width, measures)
        assert measures["overflow"] <= 0, (width, measures)
        page.screenshot_as(f"storefront-entete-{language}-{width}")


def test_the_header_wraps_on_a_phone_without_overflowing(page, live_server, demo_shop):
    sign_in_and_fill_the_cart(page, live_server, demo_shop)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/fr/")
    measures = page.evaluate(MEASURE)
    assert measures["overflow"] <= 0, measures
    assert page.get_by_role("button", name="English").is_visible()
    assert page.get_by_role("searchbox").is_visible()
    page.screenshot_as("storefront-entete-telephone")
