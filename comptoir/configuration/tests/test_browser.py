"""The merchant changes a setting in the back-office, in a real browser, clicking the French
labels; the storefront and the next documents follow."""

import io
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from pypdf import PdfReader

from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import (
    enter_two_factor_code,
    give_two_factor,
    make_delivery_methods,
    make_product,
    make_shop,
    make_staff_user,
)
from comptoir.merchant.models import ShopSettings

from .conftest import image_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def shop_with_product(db):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_shop()
    make_delivery_methods()
    owner = make_staff_user("proprietaire", PASSWORD)
    owner.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    give_two_factor(owner)
    return make_product(price_amount=Decimal("18.50"), stock=9, slug="sirop-erable",
                        name_fr="Sirop d'érable", name_en="Maple syrup")


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.fill("#id_username", "proprietaire")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    enter_two_factor_code(page, "proprietaire")
    page.wait_for_url(re.compile(r"/fr/gestion/$"))  # « Tableau de bord »


def open_payments(page):
    page.locator("nav.sidebar").get_by_role("link", name="Configuration").click()
    expect(page.get_by_role("heading", name="Configuration")).to_be_visible()
    expect(page.get_by_role("link", name="Paiements")).to_be_visible()


def test_catalogue_mode_hides_the_cart(page, live_server, shop_with_product):
    product_url = f"{live_server.url}/fr/produit/{shop_with_product.slug}/"
    page.goto(product_url)
    expect(page.locator("form.add-to-cart")).to_have_count(1)
    sign_in(page, live_server)
    open_payments(page)
    page.get_by_label("Désactiver les commandes en ligne et utiliser la boutique en mode catalogue").check()
    page.screenshot_as("configuration-paiements-mode-catalogue")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    assert ShopSettings.load().catalogue_mode
    page.goto(product_url)
    expect(page.get_by_role("heading", name="Sirop d'érable")).to_be_visible()
    expect(page.locator("form.add-to-cart")).to_have_count(0)
    page.screenshot_as("boutique-produit-mode-catalogue")


def test_order_details_only_mode_shows_no_payment_choice(page, live_server, shop_with_product):
    sign_in(page, live_server)
    open_payments(page)
    page.get_by_label("Désactiver les paiements et ne collecter que les détails de la commande").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    page.goto(f"{live_server.url}/fr/produit/{shop_with_product.slug}/")
    page.locator("form.add-to-cart button[type=submit]").click()
    page.goto(f"{live_server.url}/fr/caisse/")
    expect(page.locator("input[name='choice-delivery_method']").first).to_be_visible()
    expect(page.locator("input[name='choice-payment_method']")).to_have_count(0)
    page.screenshot_as("boutique-caisse-sans-paiement")


def test_business_information_reaches_the_next_invoice(page, live_server, shop_with_product, tmp_path):
    from comptoir.checkout.testing import place_test_order
    from comptoir.invoicing.pdf import render_invoice_pdf

    sign_in(page, live_server)
    open_payments(page)
    page.locator("nav.config-tabs").get_by_role("link", name="Factures").click()
    expect(page.get_by_role("link", name="Information de l'entreprise")).to_be_visible()
    page.get_by_label("Raison sociale").fill("Érablière Tremblay inc.")
    page.get_by_label("Numéro de TPS/TVH").fill("98765 RT 1")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Rien n'a été enregistré").first).to_be_visible()
    expect(page.get_by_text("123456789 RT 0001").first).to_be_visible()  # the expected form
    page.screenshot_as("configuration-entreprise-erreur-tps")
    assert ShopSettings.load().legal_name == "Les Délices du Comptoir inc."

    page.get_by_label("Numéro de TPS/TVH").fill("987654321 RT 0001")
    page.get_by_label("Téléphone").fill("(450) 555-0123")
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_upload(size=(900, 300)).read())
    page.get_by_label("Logo").set_input_files(str(logo))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    page.screenshot_as("configuration-entreprise-enregistree")

    invoice = place_test_order([(shop_with_product, 1)]).invoice
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_invoice_pdf(invoice))).pages)
    assert "Érablière Tremblay inc." in text and "987654321 RT 0001" in text and "450 555-0123" in text
    assert invoice.merchant["logo"].startswith("merchant/")


def test_products_created_and_stock_adjusted(page, live_server, shop_with_product):
    sign_in(page, live_server)
    page.locator("nav.sidebar").get_by_role("link", name="Produits").click()
    page.get_by_role("link", name="Ajouter un produit").click()
    page.get_by_label("Nom (français)").fill("Beurre d'érable")
    page.get_by_label("Nom (anglais)").fill("Maple butter")
    page.get_by_label("Code de produit (SKU)").fill("BEURRE-250")
    page.get_by_label("Catégorie").select_option(str(shop_with_product.category_id))
    page.get_by_label("Prix (CAD, avant taxes)").fill("9.75")
    page.get_by_label("Stock initial").fill("4")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le produit Beurre d'érable a été créé.")).to_be_visible()
    page.get_by_label("Quantité à ajouter (négative pour retirer)").fill("-6")
    page.get_by_role("button", name="Ajuster le stock").click()
    expect(page.get_by_text("ne peut pas descendre sous 0")).to_be_visible()
    page.get_by_label("Quantité à ajouter (négative pour retirer)").fill("-1")
    page.get_by_label("Note").fill("Pot échantillon")
    page.get_by_role("button", name="Ajuster le stock").click()
    expect(page.get_by_text("Le stock de Beurre d'érable est maintenant de 3.")).to_be_visible()
    page.screenshot_as("produit-stock-ajuste")
    page.locator("nav.sidebar").get_by_role("link", name="Produits").click()
    page.get_by_label("Recherche (nom ou SKU)").fill("beurre")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    page.screenshot_as("produits-liste-recherche")
    page.locator("nav.sidebar").get_by_role("link", name="Catégories").click()
    page.get_by_role("button", name="Masquer").first.click()
    expect(page.get_by_text("est masqué dans la boutique")).to_be_visible()
    page.screenshot_as("categories-liste")


def test_alert_settings_and_resending_a_failed_message(page, live_server, shop_with_product):
    from comptoir.notifications.models import Notification

    failed = Notification.objects.create(
        channel="sms", template="new_order", recipient="+15145550177", subject="",
        body_text="Nouvelle commande 1001", dedupe_key="browser:1", status="failed", attempts=8,
        last_error="503 Service Unavailable")
    sign_in(page, live_server)
    open_payments(page)
    page.locator("nav.config-tabs").get_by_role("link", name="Notifications").click()
    page.get_by_label("Numéro de cellulaire pour les alertes").fill("(514) 555-0177")
    page.get_by_role("group", name="Nouvelle commande").get_by_label("Les deux").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    shop = ShopSettings.load()
    assert (shop.alert_mobile, shop.alert_new_order) == ("+15145550177", "both")
    page.screenshot_as("configuration-notifications")
    page.locator("nav.config-tabs").get_by_role("link", name="Type de livraison").click()
    page.get_by_role("button", name="Monter Livraison locale").click()
    page.get_by_role("link", name="Livraison locale").click()
    page.get_by_label("Frais (CAD)").fill("-2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les frais ne peuvent pas être négatifs.")).to_be_visible()
    page.get_by_label("Frais (CAD)").fill("7,50")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le type de livraison Livraison locale a été enregistré.")).to_be_visible()
    page.screenshot_as("configuration-type-de-livraison")
    page.locator("nav.config-tabs").get_by_role("link", name="Notifications").click()
    page.get_by_role("link", name="Journal des messages").click()
    page.get_by_label("État").select_option("failed")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("503 Service Unavailable")).to_be_visible()
    page.screenshot_as("configuration-journal-des-messages")
    page.locator("table.table tbody a").first.click()
    page.get_by_role("button", name="Renvoyer").click()
    expect(page.get_by_text("Le message à +15145550177 sera renvoyé.")).to_be_visible()
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == 0
