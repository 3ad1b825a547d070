"""Two-factor sign-in in a real browser (Chromium), clicking the French labels: the owner's
first sign-in sets up the authenticator app, the next one asks for its code."""

import os
import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from comptoir.core.testing import (
    check_accessibility,
    make_delivery_methods,
    make_shop,
    make_staff_user,
    totp_code,
)

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner(db):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_delivery_methods()
    make_shop()
    return make_staff_user("marchand", PASSWORD, is_superuser=True)


def type_password(page, live_server):
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_first_sign_in_sets_up_the_app_then_the_code_is_asked(page, live_server, owner):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    type_password(page, live_server)
    expect(page.get_by_role("heading", name="Configurer la double authentification")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    check_accessibility(page, "two-factor set-up page")
    page.screenshot_as("two-factor-setup")
    # The authenticator app: the key typed by hand gives the codes.
    secret = page.locator(".two-factor-secret").inner_text().replace(" ", "")
    app = TOTP(b32decode(secret))
    page.get_by_label("Code de vérification").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", name="Codes de récupération")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot_as("two-factor-recovery-codes")
    page.get_by_role("button", name="J'ai conservé mes codes").click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()

    page.locator("nav.sidebar").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion à l'interface de gestion")).to_be_visible()
    type_password(page, live_server)
    expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
    check_accessibility(page, "two-factor code page")
    device = TOTPDevice.objects.get(user=owner, confirmed=True)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code de vérification").fill(wrong)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Ce code n'est pas le bon")).to_be_visible()
    page.screenshot_as("two-factor-wrong-code")
    expect(page).to_have_url(re.compile(r"/fr/gestion/connexion/code/"))

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None,
                                                   throttling_failure_count=0)
    page.get_by_label("Code de vérification").fill(totp_code(device))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    page.locator("nav.sidebar").get_by_role("link", name="Double authentification").click()
    expect(page.get_by_text("Il reste 10 codes de récupération.")).to_be_visible()
    check_accessibility(page, "two-factor sign-in page of the account")
