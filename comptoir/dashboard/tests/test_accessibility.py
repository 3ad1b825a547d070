"""axe-core on the back-office's pages, in a real Chromium: no "serious" or "critical" violation
(contrast of text and badges, names of links and buttons, labels, landmarks, headings, ids…)."""

import io
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from comptoir.checkout.testing import place_test_order
from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import (
    check_accessibility,
    focus_without_ring,
    give_two_factor,
    make_delivery_methods,
    make_order,
    make_product,
    make_shop,
    make_staff_user,
)
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import change_order_status
from comptoir.notifications.models import Notification
from comptoir.payments.services import record_payment

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 92, 79)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture
def backoffice(db):
    """A shop with orders in every state: unpaid, paid and completed, cancelled (credit note),
    awaiting payment, a pickup without invoice; and a failed message."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_delivery_methods()
    shop = make_shop(alert_email="marchand@delices.test")
    shop.logo.save("logo.png", png(), save=True)
    owner = make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    owner.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    give_two_factor(owner)
    coffee = make_product(name_fr="Café du matin", name_en="Morning coffee", price_amount=D("100.00"),
                          stock=10)
    jam = make_product(name_fr="Confiture de bleuets", name_en="Blueberry jam", price_amount=D("8.50"),
                       stock=3)
    make_product(name_fr="Savon à l'avoine", price_amount=D("7.00"), stock=0, is_visible=False)

    unpaid = place_test_order([(coffee, 1), (jam, 2)])
    paid = place_test_order([(jam, 1)], email="luc.gagnon@example.test")
    record_payment(Invoice.objects.get(order=paid), method="cheque", actor=owner)
    change_order_status(paid, to="completed", actor=owner)
    cancelled = place_test_order([(coffee, 1)], email="sophie.roy@example.test")
    change_order_status(cancelled, to="cancelled", actor=owner)
    waiting = place_test_order([(coffee, 2)], email="luc.gagnon@example.test")
    change_order_status(waiting, to="awaiting_payment", actor=owner)
    make_order(delivery_kind="pickup", payment_method="", email="ana.silva@example.test")
    Notification.objects.create(
        channel="sms", template="new_order", recipient="+15145550177", language="fr",
        status="failed", attempts=8, last_error="503 Service Unavailable", dedupe_key="test:sms",
    )
    return {"unpaid": unpaid, "paid": paid, "cancelled": cancelled}


def test_login_page(page, live_server, backoffice):
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_role("button", name="Se connecter").wait_for()
    check_accessibility(page, "back-office login page")

    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_accessibility(page, "back-office login page with an error")


def test_orders_invoices_and_customers(page, live_server, backoffice):
    unpaid, paid = backoffice["unpaid"], backoffice["paid"]
    sign_in(page, live_server, heading_level=1)
    check_accessibility(page, "order list")

    page.locator(f"tr#order-{unpaid.number}").get_by_role("link", name=str(unpaid.number)).click()
    expect(page.get_by_role("heading", name=re.compile(f"Commande {unpaid.number}"))).to_be_visible()
    expect(page.locator(".timeline li").first).to_be_visible()
    check_accessibility(page, "order page, tab « Commande » with the timeline")
    assert focus_without_ring(page) == []
    page.get_by_role("link", name="Lire").first.click()
    expect(page.locator("dialog[open]")).to_be_visible()
    check_accessibility(page, "order page with a message open")
    page.locator("dialog[open]").get_by_role("button", name="Fermer").click()

    page.goto(f"{live_server.url}/fr/gestion/commandes/{paid.number}/")
    expect(page.get_by_role("heading", name=re.compile(f"Commande {paid.number}"))).to_be_visible()
    check_accessibility(page, "completed order page")

    page.goto(f"{live_server.url}/fr/gestion/commandes/{unpaid.number}/")
    page.get_by_role("navigation", name="Sections de la commande").get_by_role(
        "link", name="Facture", exact=True).click()
    expect(page.locator(".invoice")).to_contain_text("Non payée")
    check_accessibility(page, "tab « Facture »")
    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_text("Information de paiement")).to_be_visible()
    check_accessibility(page, "tab « Facture » with the invoice editor open")

    page.locator("nav.sidebar").get_by_role("link", name="Factures").click()
    invoice = Invoice.objects.get(order=unpaid)
    page.get_by_label(f"Actions pour la facture {invoice.reference}").click()
    menu = page.locator(f"tr#invoice-{invoice.number}")
    expect(menu.get_by_role("link", name="Imprimer")).to_be_visible()
    check_accessibility(page, "« Factures » with an arrow menu open")

    page.locator("nav.sidebar").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    check_accessibility(page, "« Clients »")
    page.locator("table.customers tbody").get_by_role("link").first.click()
    expect(page.locator("main h1")).to_be_visible()
    check_accessibility(page, "a customer page")


def test_products_and_configuration(page, live_server, backoffice):
    sign_in(page, live_server, heading_level=1)
    page.locator("nav.sidebar").get_by_role("link", name="Produits").click()
    expect(page.get_by_role("heading", name="Produits", level=1)).to_be_visible()
    check_accessibility(page, "product list")

    pages = [
        ("configuration/entreprise/", "company information"),
        ("configuration/", "payments"),
        ("configuration/livraison/", "delivery methods"),
        ("configuration/notifications/", "notifications"),
        ("configuration/notifications/journal/", "message log"),
    ]
    for path, name in pages:
        page.goto(f"{live_server.url}/fr/gestion/{path}")
        expect(page.get_by_role("heading", name="Configuration", level=1)).to_be_visible()
        check_accessibility(page, f"« Configuration », {name}")
        assert focus_without_ring(page) == [], name

    page.goto(f"{live_server.url}/fr/gestion/configuration/notifications/journal/")
    page.get_by_role("link", name=re.compile("nouvelle commande", re.IGNORECASE)).first.click()
    expect(page.locator("pre.message-body, .config .details").first).to_be_visible()
    check_accessibility(page, "« Configuration », a message of the log")

    page.goto(f"{live_server.url}/fr/gestion/configuration/")
    page.locator("form.config-form").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    check_accessibility(page, "« Configuration » saved, with its message")

    page.goto(f"{live_server.url}/fr/gestion/configuration/entreprise/")
    page.get_by_label("Raison sociale").fill("")
    page.locator("form.config-form").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_accessibility(page, "company information with an error")
