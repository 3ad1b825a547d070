"""A form refused for its security token (CSRF) gets a translated « La page a expiré » page, in
the back-office's look under /gestion/ and in the shop's look elsewhere; nothing changes."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.core.testing import make_order

pytestmark = pytest.mark.django_db


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def expired_page(response) -> str:
    assert response.status_code == 403
    return html.unescape(response.content.decode())


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def test_back_office_form_without_its_token(shop, merchant):
    order = make_order()
    client = csrf_client(merchant)
    url = f"/fr/gestion/commandes/{order.number}/statut/"
    form_page = f"http://testserver/fr/gestion/commandes/{order.number}/"
    response = client.post(url, {"status": "awaiting_payment"}, HTTP_REFERER=form_page)

    assert template_names(response)[0] == "dashboard/csrf_failure.html"
    assert "dashboard/_csrf_failure_text.html" in template_names(response)
    page = expired_page(response)
    assert '<html lang="fr">' in page and "<h1>La page a expiré</h1>" in page
    assert "Rechargez la page et réessayez." in page
    assert "code de sécurité manquant ou périmé" in page
    assert f'<a class="button primary" href="{form_page}">Recharger la page</a>' in page
    assert '<a href="/fr/gestion/commandes/">Retour aux commandes</a>' in page
    order.refresh_from_db()
    assert order.status == "new" and not order.events.filter(kind="status_changed").exists()

    # The same form with its token goes through: the refusal was the token's.
    client.get(form_page)
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, {"status": "awaiting_payment", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_back_office_login_in_english_and_a_foreign_referer(shop, merchant):
    response = csrf_client().post(
        "/en/gestion/connexion/", {"username": merchant.username, "password": "motdepasse-solide-42"},
        HTTP_REFERER="https://elsewhere.test/phishing/",
    )
    assert "dashboard/csrf_failure.html" in template_names(response)
    page = expired_page(response)
    assert '<html lang="en">' in page and "<h1>The page has expired</h1>" in page
    assert "Reload the page and try again." in page
    assert "elsewhere.test" not in page and "Reload the page</a>" not in page
    assert "Back to the orders" not in page  # not logged in
    assert '<a href="/en/">Go to the shop</a>' in page


def test_shop_form_without_its_token(shop):
    get_user_model().objects.create_user("lea@example.test", "lea@example.test", "Bleuets-2026!")
    client = csrf_client()
    response = client.post("/fr/compte/connexion/", {"username": "lea@example.test",
                                                      "password": "Bleuets-2026!"},
                           HTTP_REFERER="http://testserver/fr/compte/connexion/")
    assert "storefront/csrf_failure.html" in template_names(response)
    assert "storefront/base.html" in template_names(response)
    page = expired_page(response)
    assert "<h1>La page a expiré</h1>" in page and "Rechargez la page et réessayez." in page
    assert "Délices du Comptoir" in page  # the shop's header and footer
    assert 'href="http://testserver/fr/compte/connexion/">Recharger la page</a>' in page
    assert "_auth_user_id" not in client.session

    english = expired_page(csrf_client().post("/en/compte/connexion/", {}))
    assert '<html lang="en">' in english and "<h1>The page has expired</h1>" in english
    assert "Reload the page</a>" not in english  # no page to go back to
