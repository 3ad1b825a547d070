"""The language switch takes the visitor to the same page in the other language, keeping the
query string, whatever the browser's language (``Accept-Language``) or the language cookie."""

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.core.testing import make_category, make_product, make_shop, make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def jams(db):
    make_shop()
    category = make_category(name_fr="Confitures", name_en="Jams", slug="confitures")
    make_product(category, name_fr="Confiture de bleuets", name_en="Blueberry jam", slug="confiture-bleuets")
    return category


def switch(client, language: str, next_url: str, browser_language: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url},
                       HTTP_ACCEPT_LANGUAGE=browser_language)


@pytest.mark.parametrize(("browser_language", "cookie"), [
    ("en", None), ("en-CA,en;q=0.9", None), ("fr", None), ("fr-CA", "fr"), ("en", "en"), ("de", None),
])
@pytest.mark.parametrize(("french", "english"), [
    ("/fr/", "/en/"),
    ("/fr/recherche/?q=confiture&page=1", "/en/recherche/?q=confiture&page=1"),
    ("/fr/categorie/confitures/?page=2", "/en/categorie/confitures/?page=2"),
    ("/fr/produit/confiture-bleuets/", "/en/produit/confiture-bleuets/"),
    ("/fr/panier/", "/en/panier/"),
])
def test_the_switch_goes_to_the_same_storefront_page_in_the_other_language(
    client, jams, browser_language, cookie, french, english
):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = switch(client, "en", french, browser_language)
    assert (response.status_code, response.url) == (302, english)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = switch(client, "fr", english, browser_language)
    assert (response.status_code, response.url) == (302, french)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_an_english_browser_on_a_french_page_reads_english_after_the_switch(client, jams):
    french = "/fr/produit/confiture-bleuets/"
    assert "Confiture de bleuets" in client.get(french, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = switch(client, "en", french, "en")
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page and "Blueberry jam" in page


@pytest.mark.parametrize("browser_language", ["en", "fr"])
@pytest.mark.parametrize(("french", "english"), [
    ("/fr/gestion/commandes/?status=new&q=tremblay", "/en/gestion/commandes/?status=new&q=tremblay"),
    ("/fr/gestion/factures/", "/en/gestion/factures/"),
    ("/fr/gestion/produits/?visibility=hidden", "/en/gestion/produits/?visibility=hidden"),
    ("/fr/gestion/configuration/entreprise/", "/en/gestion/configuration/entreprise/"),
    ("/fr/gestion/connexion/?next=/fr/gestion/factures/",
     "/en/gestion/connexion/?next=/fr/gestion/factures/"),
])
def test_the_switch_goes_to_the_same_back_office_page_in_the_other_language(
    client, jams, browser_language, french, english
):
    client.force_login(make_staff_user(is_superuser=True))
    response = switch(client, "en", french, browser_language)
    assert (response.status_code, response.url) == (302, english)
    response = switch(client, "fr", english, browser_language)
    assert (response.status_code, response.url) == (302, french)


def test_another_site_as_the_page_to_go_back_to_is_ignored(client, jams):
    response = switch(client, "en", "https://evil.test/fr/", "en")
    assert response.status_code == 302 and response.url == "/"
    response = switch(client, "en", "http://[", "en")
    assert response.status_code == 302 and response.url == "/"
