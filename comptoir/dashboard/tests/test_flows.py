"""The seed flows B, C and D, step by step, with the Django test client and the French labels."""

import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.checkout.testing import place_test_order
from comptoir.core.money import format_amount
from comptoir.core.testing import make_product
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
D = Decimal


def login(client):
    """« Connectez-vous à la boutique et cliquez sur « Commandes ». »"""
    response = client.post(
        "/fr/gestion/connexion/", {"username": "marchand", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/fr/gestion/"  # « Tableau de bord »
    assert 'href="/fr/gestion/commandes/"' in response.content.decode()
    response = client.get("/fr/gestion/commandes/")  # « Commandes »
    assert response.status_code == 200
    return response.content.decode()


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def row_of(page: str, number: int) -> str:
    match = re.search(rf'<tr id="order-{number}".*?</tr>', page, re.S)
    assert match, f"order {number} not in the list"
    return match.group(0)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def print_invoice(client, invoice) -> str:
    response = client.get(reverse("dashboard:invoice_pdf", args=[invoice.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="facture-{invoice.reference}.pdf"'
    return pdf_text(response.content)


def set_status(client, order, status, *, from_list=False):
    page = (
        reverse("dashboard:order_list") if from_list
        else reverse("dashboard:order_detail", args=[order.number])
    )
    response = client.post(
        reverse("dashboard:order_change_status", args=[order.number]),
        {"status": status, "next": page}, follow=True,
    )
    assert response.redirect_chain[-1][0] == page
    return text(response)


@pytest.fixture
def products(shop):
    return {
        "coffee": make_product(
            name_fr="Café du matin", name_en="Morning coffee", price_amount=D("100.00"), stock=10
        ),
        "jam": make_product(
            name_fr="Confiture de bleuets", name_en="Blueberry jam", price_amount=D("8.50"), stock=20
        ),
    }


def test_flow_b_cheque_money_order_or_transfer(client, merchant, products):
    order = place_test_order([(products["coffee"], 1)], payment_method="cheque")
    invoice = Invoice.objects.get(order=order)

    # 1-2. The order list shows the order « Nouvelle » with an unpaid invoice.
    listing = login(client)
    row = row_of(listing, order.number)
    assert "Nouvelle" in row and "Non payée" in row and "Chèque, mandat-poste ou virement" in row

    # 3. Open the order, check it, set « En attente du paiement », « Enregistrer ».
    page = text(client.get(reverse("dashboard:order_detail", args=[order.number])))
    assert "Café du matin" in page and "Faites votre chèque" in page
    assert "TPS 5 %" in page or "TPS 5\u00a0%" in page
    page = set_status(client, order, "awaiting_payment")
    assert "est maintenant « En attente du paiement »" in page
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    # « Complétée » is refused while the invoice is unpaid, with the translated reason.
    page = set_status(client, order, "completed")
    assert "ne peut pas être « Complétée » tant que sa facture n'est pas payée" in page
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    # 4. Tab « Facture », the pencil, « Information de paiement »: the method, the amount received
    # (the balance, already filled in), « Enregistrer »; the invoice is « Payée » once paid in full.
    page = text(client.get(reverse("dashboard:order_invoice", args=[order.number])))
    assert invoice.reference in page and "Non payée" in page and 'aria-label="Modifier"' in page
    editor = text(client.get(reverse("dashboard:invoice_edit", args=[order.number])))
    assert "Information de paiement" in editor and "Mandat-poste" in editor and "Montant reçu" in editor
    balance = format_amount(invoice.total_amount, "fr").replace("\u00a0$", "")
    assert f'value="{balance}"' in editor
    response = client.post(
        reverse("dashboard:invoice_edit", args=[order.number]),
        {"method": "money_order", "amount": balance, "reference": "MP-4471"}, follow=True,
    )
    assert f"la facture {invoice.reference} est payée." in text(response)
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.method, payment.amount, payment.actor, payment.reference) == (
        "money_order", invoice.total_amount, merchant, "MP-4471")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    # 5. From « Factures », the arrow menu: print (PDF) or send by email.
    invoices = text(client.get(reverse("dashboard:invoice_list")))
    assert invoice.reference in invoices and "Imprimer" in invoices and "Envoyer par courriel" in invoices
    content = print_invoice(client, invoice)
    assert invoice.reference in content

    # 6. Back to « Commandes »: the order is marked ready; set « Complétée » from the list.
    row = row_of(text(client.get(reverse("dashboard:order_list"))), order.number)
    assert "Payée — prête à compléter" in row
    page = set_status(client, order, "completed", from_list=True)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert "Complétée" in row_of(page, order.number)

    # 7. « Envoyer la confirmation de paiement »: customer and merchant messages are queued.
    before = set(Notification.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("dashboard:order_send_payment_confirmation", args=[order.number]), follow=True
    )
    assert "La confirmation de paiement est en route vers le client." in text(response)
    sent = Notification.objects.exclude(pk__in=before)
    assert sorted(sent.values_list("recipient", "template")) == [
        ("marchand@delices.test", "payment_recorded"),
        ("marie.tremblay@example.test", "payment_confirmation"),
    ]
    assert all(n.reference == f"order:{order.pk}" for n in sent)
    # The timeline shows who did what, and the messages.
    timeline = text(client.get(reverse("dashboard:order_detail", args=[order.number])))
    assert "Statut modifié de « Nouvelle » à « En attente du paiement »" in timeline
    assert "Confirmation de paiement envoyée au client" in timeline
    assert "Julie Gagnon" in timeline
    assert "marie.tremblay@example.test" in timeline


def test_flow_d_store_terminal(client, merchant, products, shop):
    shop.order_details_only = True
    shop.save()
    coffee, jam = products["coffee"], products["jam"]
    order = place_test_order([(coffee, 1)], payment_method="", delivery_kind="pickup")
    assert not Invoice.objects.filter(order=order).exists()
    coffee.refresh_from_db()
    assert coffee.stock == 9

    # 1-2. « Nouvelle », no invoice yet.
    row = row_of(login(client), order.number)
    assert "Nouvelle" in row

    # 3. Check the order with the customer and change it: add jam, change the coffee's quantity.
    page = text(client.get(reverse("dashboard:order_detail", args=[order.number]), {"produit": "bleuets"}))
    assert "Confiture de bleuets" in page
    client.post(reverse("dashboard:order_add_line", args=[order.number]), {"product": jam.pk, "quantity": 2})
    line = order.lines.get(product=coffee)
    response = client.post(
        reverse("dashboard:order_update_line", args=[order.number, line.pk]),
        {"quantity": 2, "unit_price": "95,00"}, follow=True,
    )
    assert "Ligne enregistrée." in text(response)
    order.refresh_from_db()
    # Goods 2 × 95.00 + 2 × 8.50 = 207.00, pickup (no fee), taxes of the store (QC).
    assert (order.subtotal_amount, order.shipping_amount) == (D("207.00"), D("0.00"))
    assert order.tax_total == D("10.35") + D("20.65")
    assert order.total_amount == D("238.00")
    coffee.refresh_from_db()
    jam.refresh_from_db()
    assert (coffee.stock, jam.stock) == (8, 18)
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds.count(OrderEvent.Kind.LINE_ADDED) == 1 and kinds.count(OrderEvent.Kind.LINE_CHANGED) == 1
    # « Enregistrer » without changing the status: nothing changes.
    assert "aucun changement" in set_status(client, order, "new")

    # 4. Tab « Facture »: « Créer une facture », « Enregistrer ».
    page = text(client.get(reverse("dashboard:order_invoice", args=[order.number])))
    assert "Créer une facture" in page
    preview = text(client.get(reverse("dashboard:invoice_create", args=[order.number])))
    assert "Enregistrer" in preview and "238,00" in preview
    response = client.post(reverse("dashboard:invoice_create", args=[order.number]), follow=True)
    invoice = Invoice.objects.get(order=order)
    assert f"Facture {invoice.reference} créée." in text(response)
    assert invoice.total_amount == D("238.00") and invoice.status == Invoice.Status.UNPAID
    # A change now goes through a credit note and a new invoice (payments.corrections).
    page = text(client.get(reverse("dashboard:order_detail", args=[order.number])))
    assert "une note de crédit pour celle-ci et une nouvelle facture" in page
    assert order.lines.count() == 2

    # 5. Optionally send the invoice from « Factures » (arrow menu).
    before = Notification.objects.count()
    response = client.post(
        reverse("dashboard:invoice_send", args=[invoice.number]),
        {"next": reverse("dashboard:invoice_list")}, follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:invoice_list")
    assert Notification.objects.count() == before + 1

    # 6-7. Payment on the terminal; pencil: no method, the balance as it is, « Enregistrer ».
    client.post(reverse("dashboard:invoice_edit", args=[order.number]), {"method": "", "amount": ""})
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.method, payment.amount) == ("", D("238.00"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    # 8. Print the invoice.
    assert invoice.reference in print_invoice(client, invoice)

    # 9. « Complétée ».
    set_status(client, order, "completed", from_list=True)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


def test_flow_c_invoice_emailed_with_payment_link(client, merchant, products, shop, settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-test", "secret-test"
    shop.order_details_only = True
    shop.paypal_enabled = True
    shop.save()
    order = place_test_order([(products["jam"], 4)], payment_method="")

    row = row_of(login(client), order.number)
    assert "Nouvelle" in row
    set_status(client, order, "awaiting_payment")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    # 4. Tab « Facture »: « Créer une facture », « Enregistrer ».
    client.post(reverse("dashboard:invoice_create", args=[order.number]))
    invoice = Invoice.objects.get(order=order)

    # 5. From « Factures », the arrow: send the invoice (and the payment link) by email.
    invoices = text(client.get(reverse("dashboard:invoice_list")))
    assert "Envoyer par courriel (avec lien de paiement)" in invoices
    response = client.post(
        reverse("dashboard:invoice_send", args=[invoice.number]),
        {"next": reverse("dashboard:invoice_list")}, follow=True,
    )
    assert f"La facture {invoice.reference} est en route vers marie.tremblay@example.test." in text(response)
    email = Notification.objects.filter(reference=f"order:{order.pk}", recipient=order.email).latest("id")
    assert email.channel == "email" and email.attachments
    assert f"/payer/{invoice.payment_token}/" in email.body_text
    assert order.events.filter(kind=OrderEvent.Kind.INVOICE_SENT).exists()
    # The timeline lists the invoice email.
    timeline = text(client.get(reverse("dashboard:order_detail", args=[order.number])))
    assert "marie.tremblay@example.test" in timeline and "Facture envoyée" in timeline

    # 6-7. Once paid online (recorded by the payment integration), the tab shows « Payée ».
    from comptoir.payments.services import record_payment

    record_payment(invoice, method="paypal", provider_reference="CAPTURE-1")
    page = text(client.get(reverse("dashboard:order_invoice", args=[order.number])))
    assert "Payée" in page and "PayPal" in page
    assert invoice.reference in print_invoice(client, invoice)

    # 8. « Complétée ».
    set_status(client, order, "completed", from_list=True)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
