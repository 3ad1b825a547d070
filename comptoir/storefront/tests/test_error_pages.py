"""Error pages: translated, in the shop's look; the back-office's own 403 page (DEBUG is off)."""

import html

import pytest
from django.contrib.auth import get_user_model

from comptoir.core.testing import make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shop():
    return make_shop()


@pytest.fixture
def customer_client(client):
    user = get_user_model().objects.create_user("lea@example.test", "lea@example.test", "Bleuets-2026!")
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_customer_in_the_back_office_gets_its_translated_403_page(customer_client):
    response = customer_client.get("/fr/gestion/commandes/")
    assert response.status_code == 403
    assert "dashboard/403.html" in template_names(response)
    page = text(response)
    assert "<h1>Accès refusé</h1>" in page
    assert (
        "Le compte « lea@example.test » est un compte client\u00a0: "
        "il n'a pas accès à l'interface de gestion."
    ) in page
    assert 'action="/fr/gestion/deconnexion/"' in page and ">Se déconnecter</button>" in page
    assert '<a href="/fr/">Aller à la boutique</a>' in page
    assert "Retour aux commandes" not in page  # not for a customer

    logout = customer_client.post("/fr/gestion/deconnexion/")
    assert logout.status_code == 302 and "_auth_user_id" not in customer_client.session


def test_the_back_office_403_page_in_english(customer_client):
    response = customer_client.get("/en/gestion/clients/")
    assert response.status_code == 403
    page = text(response)
    assert '<html lang="en">' in page and "<h1>Access refused</h1>" in page
    assert "is a customer account: it has no access to the back-office." in page
    assert '<a href="/en/">Go to the shop</a>' in page


def test_an_unknown_product_gets_the_shops_404_page(client):
    for path in ("/fr/produit/nexiste-pas/", "/fr/nimporte/quoi/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert template_names(response)[:2] == ["404.html", "storefront/base.html"]
        page = text(response)
        assert "<h1>Page introuvable</h1>" in page
        assert "Délices du Comptoir" in page  # the shop's header and footer
        assert '<a class="button primary" href="/fr/">Retour à la boutique</a>' in page


def test_the_404_page_in_english(client):
    response = client.get("/en/produit/nexiste-pas/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in text(response) and "Back to the shop" in text(response)


def test_a_refusal_outside_the_back_office_gets_the_shops_403_page(client, settings):
    settings.ROOT_URLCONF = "comptoir.storefront.tests.urls"
    response = client.get("/fr/essai/refus/")
    assert response.status_code == 403
    assert template_names(response)[:2] == ["403.html", "storefront/base.html"]
    assert "Vous n'avez pas accès à cette page." in text(response)


@pytest.mark.parametrize(("language", "title"), [("fr", "Erreur du serveur"), ("en", "Server error")])
def test_the_500_page_is_translated_and_needs_no_database(client, settings,
                                                          django_assert_num_queries, language, title):
    settings.ROOT_URLCONF = "comptoir.storefront.tests.urls"
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get(f"/{language}/essai/panne/")
    assert response.status_code == 500
    assert template_names(response) == ["500.html"]
    page = text(response)
    assert f'<html lang="{language}">' in page and f"<h1>{title}</h1>" in page
    assert "comptoir/site.css" in page and f'href="/{language}/"' in page
