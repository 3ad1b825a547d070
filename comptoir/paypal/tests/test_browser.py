"""Seed flows A and C in Chromium: storefront or payment link → PayPal simulator → « Payée »."""

import os
import re
import time
from decimal import Decimal

import pytest
from django.db import connection
from playwright.sync_api import expect

from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_staff_user
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order
from comptoir.payments.models import Payment
from comptoir.paypal.models import WebhookEvent
from comptoir.paypal.testing import enable_paypal, process_stored_webhooks

# The tax rates that a flush removes are put back by conftest.py (default_tax_rates); no
# serialized_rollback, which fails after another transactional test (content types restored twice).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def shop_online(live_server, paypal_simulator, settings):
    settings.SITE_URL = live_server.url
    if connection.vendor == "postgresql":
        # PayPal's webhooks then race the browser's return, as they do in production.
        paypal_simulator.state.webhook_url = f"{live_server.url}/paiements/paypal/webhook/"
    shop = enable_paypal()
    make_delivery_methods()
    return shop


def wait_for_webhook(event_type, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        process_stored_webhooks()  # the worker's task, here in the test's process
        if WebhookEvent.objects.filter(event_type=event_type, processed_at__isnull=False).exists():
            return
        time.sleep(0.2)
    raise AssertionError(f"no {event_type} webhook processed")


def merchant_login(page, live_server):
    make_staff_user()
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.fill("input[name=username]", "marchand")
    page.fill("input[name=password]", "motdepasse-solide-42")
    page.get_by_role("button", name="Se connecter").click()


def approve_on_simulator(page, screenshot: str):
    page.wait_for_selector("text=Mode test — simulateur PayPal")
    page.screenshot_as(screenshot)
    page.get_by_role("button", name="Approuver le paiement").click()


def test_flow_a_checkout_with_paypal(page, live_server, shop_online):
    product = make_product(price_amount=Decimal("100.00"), stock=3, name_fr="Confiture de bleuets")
    page.goto(f"{live_server.url}/fr/produit/{product.slug}/")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.goto(f"{live_server.url}/fr/panier/")
    page.get_by_role("link", name="Passer la commande").or_(
        page.get_by_role("button", name="Passer la commande")).first.click()

    page.fill("input[name=contact-email]", "marie.tremblay@example.test")
    page.fill("input[name=contact-phone]", "514 555-0199")
    for field, value in {"first_name": "Marie", "last_name": "Tremblay", "line1": "4567, avenue du Parc",
                         "city": "Montréal", "postal_code": "H2V 4E7"}.items():
        page.fill(f"input[name=billing-{field}]", value)
    page.select_option("select[name=billing-province]", "QC")
    page.get_by_label(re.compile("Cueillette en magasin")).check()
    page.get_by_label("Carte de crédit via PayPal").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.get_by_role("button", name="Confirmer ma commande").click()

    # The payment page sends the payer straight on to PayPal (the simulator here).
    approve_on_simulator(page, "paypal-flow-a-simulator")
    # Back on the shop: the order confirmation with the payment received, not the invoice page.
    expect(page.get_by_role("heading", name="Merci de votre commande !")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Paiement reçu")
    expect(page.locator("main")).to_contain_text("Confiture de bleuets")
    assert "Payer la facture" not in page.title() + page.inner_text("main")
    page.screenshot_as("paypal-flow-a-paid")

    order = Order.objects.get()
    assert order.status == Order.Status.COMPLETED
    assert order.invoice.status == Invoice.Status.PAID
    if connection.vendor == "postgresql":
        wait_for_webhook("PAYMENT.CAPTURE.COMPLETED")
    assert Payment.objects.count() == 1
    assert sorted(Notification.objects.filter(template__startswith="payment")
                  .values_list("template", flat=True)) == ["payment_confirmation", "payment_received"]

    merchant_login(page, live_server)
    page.get_by_role("link", name="Commandes").first.click()
    row = page.locator("tr", has_text=str(order.number))
    assert "Complétée" in row.inner_text()
    page.goto(f"{live_server.url}/fr/gestion/commandes/{order.number}/facture/")
    assert "Payée" in page.inner_text("main")
    page.screenshot_as("paypal-flow-a-dashboard-invoice")
    page.goto(f"{live_server.url}/fr/gestion/commandes/{order.number}/")
    page.screenshot_as("paypal-flow-a-dashboard-order-timeline")


def test_flow_c_invoice_emailed_with_payment_link(page, live_server, shop_online, smtp_server):
    from comptoir.invoicing.services import issue_invoice
    from comptoir.notifications.services import deliver_pending

    order = make_order(payment_method="", status="awaiting_payment", delivery_kind="pickup")
    invoice = issue_invoice(order)

    # « Factures » → arrow → send the invoice and its payment link by email.
    merchant_login(page, live_server)
    page.get_by_role("link", name="Factures").first.click()
    page.locator(f"summary[aria-label*='{invoice.reference}']").click()
    page.get_by_role("button", name=re.compile("lien de paiement")).click()
    deliver_pending()
    [email] = smtp_server.to(order.email)
    text = email.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://[^\s]+/fr/payer/[0-9a-f-]{36}/", text).group(0)

    # The customer opens the link and pays on PayPal.
    page.goto(link)
    assert "Payer la facture" in page.inner_text("main")
    page.screenshot_as("paypal-flow-c-payment-page")
    page.get_by_role("button", name="Payer avec PayPal").click()
    approve_on_simulator(page, "paypal-flow-c-simulator")
    page.wait_for_selector("text=Cette facture est payée")

    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert order.status == Order.Status.AWAITING_PAYMENT  # the merchant sets « Complétée »
    page.goto(f"{live_server.url}/fr/gestion/commandes/{order.number}/facture/")
    assert "Payée" in page.inner_text("main")
    page.screenshot_as("paypal-flow-c-dashboard-invoice")
