"""« Mot de passe oublié ? » in a real Chromium, clicking the French labels; the error pages."""

import re

import pytest
from django.contrib.auth import get_user_model

from comptoir.core.testing import make_shop
from comptoir.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://\S+(/fr/compte/mot-de-passe/\S+/)")


def test_customer_resets_a_forgotten_password(live_server, page):
    make_shop()
    user = get_user_model().objects.create_user(
        "lea@example.test", "lea@example.test", "Bleuets-du-Lac-2026", first_name="Léa"
    )
    page.goto(f"{live_server.url}/fr/compte/connexion/")
    page.get_by_role("link", name=re.compile(r"Mot de passe oublié\s\?")).click()
    page.get_by_label("Courriel").fill("lea@example.test")
    page.screenshot_as("password-1-demande")
    page.get_by_role("button", name="M'envoyer un lien").click()
    page.get_by_role("heading", name="Consultez vos courriels").wait_for()
    page.screenshot_as("password-2-envoye")

    path = LINK.search(Notification.objects.get().body_text).group(1)
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("heading", name="Choisissez un nouveau mot de passe").wait_for()
    assert page.url.endswith("/choisir/")  # the token left the address bar
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Tourtiere-de-Noel-2027")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Tourtiere-de-Noel-2027")
    page.screenshot_as("password-3-nouveau")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    page.get_by_text("Votre mot de passe a été changé et votre session est ouverte.").wait_for()
    page.screenshot_as("password-4-connecte")
    user.refresh_from_db()
    assert user.check_password("Tourtiere-de-Noel-2027")

    page.goto(f"{live_server.url}{path}")
    page.get_by_role("heading", name="Ce lien ne fonctionne plus").wait_for()
    page.screenshot_as("password-5-lien-use")


def test_error_pages(live_server, page):
    make_shop()
    get_user_model().objects.create_user("lea@example.test", "lea@example.test", "Bleuets-du-Lac-2026")
    page.goto(f"{live_server.url}/fr/produit/nexiste-pas/")
    page.get_by_role("heading", name="Page introuvable").wait_for()
    page.screenshot_as("erreur-404")

    page.goto(f"{live_server.url}/fr/compte/connexion/")
    page.get_by_label("Courriel").fill("lea@example.test")
    page.get_by_label("Mot de passe", exact=True).fill("Bleuets-du-Lac-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/fr/gestion/commandes/")
    page.get_by_role("heading", name="Accès refusé").wait_for()
    page.screenshot_as("erreur-403-gestion")
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion à l'interface de gestion").wait_for()
