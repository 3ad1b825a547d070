"""The seed flows B, C and D in a real browser (Chromium), clicking the French labels."""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.checkout.testing import place_test_order
from comptoir.core.money import format_amount
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order
from comptoir.payments.models import Payment

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture
def shop_data(db):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_delivery_methods()
    shop = make_shop(alert_email="marchand@delices.test")
    make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    coffee = make_product(
        name_fr="Café du matin", name_en="Morning coffee", price_amount=D("100.00"), stock=10
    )
    jam = make_product(
        name_fr="Confiture de bleuets", name_en="Blueberry jam", price_amount=D("8.50"), stock=20
    )
    return {"shop": shop, "coffee": coffee, "jam": jam}


def open_orders(page):
    page.locator("nav.sidebar").get_by_role("link", name="Commandes").click()
    expect(page.get_by_role("heading", name="Commandes")).to_be_visible()


def order_row(page, order):
    return page.locator(f"tr#order-{order.number}")


def open_order(page, order):
    """« Cliquez sur le numéro de la commande »."""
    order_row(page, order).get_by_role("link", name=str(order.number), exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"Commande {order.number}"))).to_be_visible()


def save_status(page, label):
    page.locator("#order-status").select_option(label=label)
    page.locator("form.status-form").get_by_role("button", name="Enregistrer").click()


def save_status_from_list(page, order, label):
    row = order_row(page, order)
    row.get_by_role("combobox").select_option(label=label)
    row.get_by_role("button", name="Enregistrer").click()


def open_invoice_tab(page):
    page.get_by_role("navigation", name="Sections de la commande").get_by_role(
        "link", name="Facture", exact=True
    ).click()


def mark_paid(page, method_label=None):
    """The pencil, « Information de paiement »: the method, the amount received (the balance,
    already filled in), « Enregistrer »; the invoice is then « Payée »."""
    record_payment_in_browser(page, method_label)
    expect(page.get_by_text(re.compile(r"la facture F-\d+ est payée\."))).to_be_visible()


def record_payment_in_browser(page, method_label=None, *, amount=None, reference=""):
    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_text("Information de paiement")).to_be_visible()
    if method_label:
        page.get_by_label("Mode de paiement").select_option(label=method_label)
    if amount is not None:
        page.get_by_label("Montant reçu").fill(amount)
    if reference:
        page.get_by_label("Référence").fill(reference)
    page.screenshot_as("dashboard-editeur-facture")
    page.locator(".invoice-editor").get_by_role("button", name="Enregistrer").click()


def print_from_list(page, invoice):
    """« Factures », the arrow (« flèche ») menu, « Imprimer » → the PDF of the invoice."""
    page.locator("nav.sidebar").get_by_role("link", name="Factures").click()
    page.get_by_label(f"Actions pour la facture {invoice.reference}").click()
    link = page.locator(f"tr#invoice-{invoice.number}").get_by_role("link", name="Imprimer")
    expect(link).to_be_visible()
    response = page.request.get(page.url.split("/fr/")[0] + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def send_from_list(page, invoice, label):
    page.locator("nav.sidebar").get_by_role("link", name="Factures").click()
    page.get_by_label(f"Actions pour la facture {invoice.reference}").click()
    page.locator(f"tr#invoice-{invoice.number}").get_by_role("button", name=label).click()
    expect(page.get_by_text(f"La facture {invoice.reference} est en route")).to_be_visible()


def test_flow_b_cheque(page, live_server, shop_data):
    order = place_test_order([(shop_data["coffee"], 1)], payment_method="cheque")
    invoice = Invoice.objects.get(order=order)
    sign_in(page, live_server)
    open_orders(page)
    expect(order_row(page, order)).to_contain_text("Nouvelle")
    page.screenshot_as("dashboard-commandes")

    open_order(page, order)
    page.screenshot_as("dashboard-commande")
    save_status(page, "En attente du paiement")
    expect(page.get_by_text("est maintenant « En attente du paiement »")).to_be_visible()
    # « Complétée » is refused while the invoice is unpaid.
    save_status(page, "Complétée")
    expect(page.get_by_text("tant que sa facture n'est pas payée")).to_be_visible()

    open_invoice_tab(page)
    expect(page.locator(".invoice")).to_contain_text("Non payée")
    page.screenshot_as("dashboard-onglet-facture")
    mark_paid(page, "Chèque")
    assert Payment.objects.get(invoice=invoice).method == "cheque"

    print_from_list(page, invoice)
    page.screenshot_as("dashboard-factures")

    open_orders(page)
    expect(order_row(page, order)).to_contain_text("Payée — prête à compléter")
    save_status_from_list(page, order, "Complétée")
    expect(order_row(page, order).locator(".badge.order-completed")).to_have_text("Complétée")

    open_order(page, order)
    page.get_by_role("button", name="Envoyer la confirmation de paiement").click()
    expect(page.get_by_text("La confirmation de paiement est en route vers le client.")).to_be_visible()
    messages = Notification.objects.filter(reference=f"order:{order.pk}")
    templates = set(messages.values_list("template", flat=True))
    assert {"payment_confirmation", "payment_recorded"} <= templates
    expect(page.locator(".timeline")).to_contain_text("Confirmation de paiement envoyée au client")
    page.screenshot_as("dashboard-commande-historique")
    page.get_by_role("link", name="Lire").last.click()
    expect(page.locator("dialog[open]")).to_contain_text("marchand@delices.test")
    page.screenshot_as("dashboard-message")
    page.locator("dialog[open]").get_by_role("button", name="Fermer").click()
    page.set_viewport_size({"width": 820, "height": 1180})  # tablet
    page.screenshot_as("dashboard-commande-tablette")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("nav.sidebar").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    expect(page.locator("table.customers")).to_contain_text("Invité")
    page.screenshot_as("dashboard-clients")


def test_flow_d_store_terminal(page, live_server, shop_data):
    shop = shop_data["shop"]
    shop.order_details_only = True
    shop.save()
    order = place_test_order([(shop_data["coffee"], 1)], payment_method="", delivery_kind="pickup")
    sign_in(page, live_server)
    open_orders(page)
    open_order(page, order)

    # Review with the customer: add a jar of jam, two coffees instead of one.
    page.get_by_label("Chercher un produit (nom ou UGS)").fill("bleuets")
    page.locator(".add-product").get_by_role("button", name="Rechercher").click()
    page.locator(".product-results").get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Ligne ajoutée.")).to_be_visible()
    coffee_line = order.lines.get(product=shop_data["coffee"])
    page.locator(f"#quantity-{coffee_line.pk}").fill("2")
    page.locator("#lines-form").get_by_role("button", name="Enregistrer").click()  # one save for all lines
    expect(page.get_by_text("Lignes enregistrées.")).to_be_visible()
    page.locator("form.status-form").get_by_role("button", name="Enregistrer").click()
    order.refresh_from_db()
    assert order.subtotal_amount == D("208.50")
    expect(page.locator(".timeline")).to_contain_text("Ligne ajoutée : 1 × Confiture de bleuets")

    open_invoice_tab(page)
    page.get_by_role("link", name="Créer une facture").click()
    page.get_by_role("button", name="Enregistrer").click()
    invoice = Invoice.objects.get(order=order)
    expect(page.get_by_text(f"Facture {invoice.reference} créée.")).to_be_visible()
    assert invoice.total_amount == order.total_amount

    send_from_list(page, invoice, "Envoyer par courriel")

    open_orders(page)
    open_order(page, order)
    open_invoice_tab(page)
    mark_paid(page)  # terminal: no method to choose
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.method, payment.amount) == ("", invoice.total_amount)

    print_from_list(page, invoice)
    open_orders(page)
    save_status_from_list(page, order, "Complétée")
    expect(order_row(page, order).locator(".badge.order-completed")).to_have_text("Complétée")
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


def test_flow_c_invoice_with_payment_link(page, live_server, shop_data, settings):
    from comptoir.payments.services import record_payment

    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-test", "secret-test"
    shop = shop_data["shop"]
    shop.order_details_only = True
    shop.paypal_enabled = True
    shop.save()
    order = place_test_order([(shop_data["jam"], 3)], payment_method="")
    sign_in(page, live_server)
    open_orders(page)
    open_order(page, order)
    save_status(page, "En attente du paiement")
    open_invoice_tab(page)
    page.get_by_role("link", name="Créer une facture").click()
    page.get_by_role("button", name="Enregistrer").click()
    invoice = Invoice.objects.get(order=order)

    send_from_list(page, invoice, "Envoyer par courriel (avec lien de paiement)")
    email = Notification.objects.get(reference=f"order:{order.pk}", template="invoice")
    assert f"/payer/{invoice.payment_token}/" in email.body_text

    # The customer pays through the link (recorded by the online payment integration).
    record_payment(invoice, method="paypal", provider_reference="CAPTURE-C-1")
    open_orders(page)
    open_order(page, order)
    open_invoice_tab(page)
    expect(page.locator(".invoice")).to_contain_text("Payée")
    print_from_list(page, invoice)
    open_orders(page)
    save_status_from_list(page, order, "Complétée")
    expect(order_row(page, order).locator(".badge.order-completed")).to_have_text("Complétée")


def test_language_switch_keeps_the_page(page, live_server, shop_data):
    sign_in(page, live_server)
    page.locator(".sidebar .language-switch").get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    assert "/en/gestion/commandes/" in page.url
    page.locator(".sidebar .language-switch").get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Commandes")).to_be_visible()


def test_a_cheque_for_half_then_the_rest_then_a_returned_cheque(page, live_server, shop_data):
    """A cheque for half of the invoice, then the rest: « Payée » with both payments on the PDF;
    then the first cheque comes back: unpaid again, the reason on the timeline."""
    import io

    from pypdf import PdfReader

    order = place_test_order([(shop_data["coffee"], 1)], payment_method="cheque")
    invoice = Invoice.objects.get(order=order)
    rest = format_amount(invoice.total_amount - D("63.00"), "fr")
    sign_in(page, live_server)
    open_orders(page)
    open_order(page, order)
    open_invoice_tab(page)

    record_payment_in_browser(page, "Chèque", amount="63,00", reference="Chèque nº 101")
    expect(page.get_by_text(f"Paiement de 63,00\u00a0$ enregistré : le solde dû est de {rest}.")
           ).to_be_visible()
    expect(page.locator(".invoice")).to_contain_text("Non payée")
    record_payment_in_browser(page, "Chèque", reference="Chèque nº 102")  # the balance, as filled in
    expect(page.get_by_text(re.compile(r"la facture F-\d+ est payée\."))).to_be_visible()
    expect(page.locator(".invoice")).to_contain_text("Payée")
    expect(page.locator(".invoice ul.payments li")).to_have_count(2)

    pdf = page.request.get(f"{live_server.url}/fr/gestion/factures/{invoice.number}/pdf/")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Chèque (Chèque nº 101)" in text and "Chèque (Chèque nº 102)" in text
    assert "63,00" in text and rest.replace("\u00a0", " ")[:-2] in text.replace("\u00a0", " ")
    assert "Total payé" in text and "Statut : payée le" in text

    page.locator(".invoice ul.payments li").first.get_by_text("Annuler ce paiement").click()
    page.get_by_label("Raison").first.fill("Chèque sans provision")
    page.get_by_role("button", name="Confirmer l'annulation").first.click()
    expect(page.get_by_text("Paiement de 63,00\u00a0$ annulé.")).to_be_visible()
    expect(page.locator(".invoice")).to_contain_text("Non payée")
    expect(page.locator(".invoice .paid-total")).to_contain_text("Solde à payer : 63,00\u00a0$")
    page.get_by_role("navigation", name="Sections de la commande").get_by_role(
        "link", name="Commande", exact=True).click()
    expect(page.locator("main")).to_contain_text(
        "Paiement de 63,00\u00a0$ annulé (Chèque) : Chèque sans provision")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == ("unpaid", invoice.total_amount - D("63.00"))
