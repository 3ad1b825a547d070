"""In a real Chromium whose language is English (Canada): a French page stays French until the
visitor chooses « English », which opens the same page, with its query string, in English; and
back. The same on the storefront and in the back-office."""

import os
import re
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from comptoir.core.testing import (
    enter_two_factor_code,
    give_two_factor,
    make_category,
    make_product,
    make_shop,
    make_staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def english_page(browser):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def catalogue(db):
    make_shop()
    category = make_category(name_fr="Produits de l'érable", name_en="Maple products", slug="erable")
    for index in range(14):
        make_product(category, name_fr=f"Sirop d'érable {index}", name_en=f"Maple syrup {index}",
                     slug=f"sirop-{index}", price_amount=Decimal("12.50"))
    give_two_factor(make_staff_user(username="marchand", password=PASSWORD, is_superuser=True))
    return category


def language_cookie(page) -> str:
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    return cookies.get(settings.LANGUAGE_COOKIE_NAME, "")


def test_an_english_browser_switches_a_french_storefront_page(live_server, english_page, catalogue):
    page = english_page
    page.goto(f"{live_server.url}/fr/categorie/erable/?page=2")
    expect(page.get_by_role("heading", name="Produits de l'érable", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Maple products", level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/en/categorie/erable/?page=2"
    assert page.locator("html").get_attribute("lang") == "en"
    assert language_cookie(page) == "en"

    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Produits de l'érable", level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/fr/categorie/erable/?page=2"
    assert language_cookie(page) == "fr"


def test_an_english_browser_switches_a_french_back_office_page(live_server, english_page, catalogue):
    page = english_page
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    enter_two_factor_code(page, "marchand")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    page.goto(f"{live_server.url}/fr/gestion/produits/?q=sirop")
    expect(page.get_by_role("heading", name="Produits", level=1)).to_be_visible()

    page.locator(".sidebar .language-switch").get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Products", level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/en/gestion/produits/?q=sirop"
    assert language_cookie(page) == "en"

    page.locator(".sidebar .language-switch").get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Produits", level=1)).to_be_visible()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/fr/gestion/produits/\?q=sirop", page.url)
    assert language_cookie(page) == "fr"
