"""What the order page, the invoice tab and « Factures » show: signed amounts of credit notes,
payment instructions only while a payment is expected, the wording of the invoice parties, the
choices of « Information de paiement », and no status form on an order that cannot change."""

import html
import re

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order
from comptoir.invoicing.services import change_order_status, issue_credit_note, issue_invoice
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def order_page(client, order, language="fr") -> str:
    return text(client.get(f"/{language}/gestion/commandes/{order.number}/"))


def test_a_credit_note_amount_is_shown_with_one_minus_sign(staff_client, shop):
    invoice = issue_invoice(make_order())
    note = issue_credit_note(invoice, reason="Erreur")
    french = text(staff_client.get(reverse("dashboard:invoice_list")))
    row = re.search(rf'<tr class="credit-note" id="credit-note-{note.number}".*?</tr>', french).group(0)
    assert "-128,77 $" in row and "--" not in row
    english = text(staff_client.get("/en/gestion/factures/"))
    row = re.search(rf'<tr class="credit-note" id="credit-note-{note.number}".*?</tr>', english).group(0)
    assert "-$128.77" in row and "--" not in row
    tab = text(staff_client.get(f"/fr/gestion/commandes/{invoice.order.number}/facture/"))
    assert f"{note.reference} — " in tab and "-128,77 $" in tab and "--128" not in tab


def test_payment_instructions_only_while_a_payment_is_expected(staff_client, shop, merchant):
    waiting = make_order(payment_method="cheque")
    assert "Instructions de paiement" in order_page(staff_client, waiting)
    invoiced = make_order(payment_method="cheque")
    invoice = issue_invoice(invoiced)
    assert "Instructions de paiement" in order_page(staff_client, invoiced)
    record_payment(invoice, method="cheque")
    assert "Instructions de paiement" not in order_page(staff_client, invoiced)
    change_order_status(invoiced, to="completed", actor=merchant)
    assert "Instructions de paiement" not in order_page(staff_client, invoiced)
    cancelled = make_order(payment_method="cheque", status="cancelled")
    assert "Instructions de paiement" not in order_page(staff_client, cancelled)
    assert "Payment instructions" not in order_page(staff_client, cancelled, "en")


def test_the_invoice_tab_says_bill_to_and_ship_to_like_the_pdf(staff_client, shop):
    order = make_order()
    issue_invoice(order)
    french = text(staff_client.get(reverse("dashboard:order_invoice", args=[order.number])))
    assert "<h3>Facturer à</h3>" in french and "<h3>Livrer à</h3>" in french
    assert "Facturé à" not in french and "Livré à" not in french
    english = text(staff_client.get(f"/en/gestion/commandes/{order.number}/facture/"))
    assert "<h3>Bill to</h3>" in english and "<h3>Ship to</h3>" in english


def test_the_payment_method_choices_name_none_once(staff_client, shop):
    order = make_order()
    issue_invoice(order)
    url = reverse("dashboard:invoice_edit", args=[order.number])
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', text(staff_client.get(url)))
    assert ("", "Aucun") in options and ("terminal", "Terminal du magasin") in options
    assert all("terminal" not in label for value, label in options if value != "terminal")
    english = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                         text(staff_client.get(f"/en/gestion/commandes/{order.number}/facture/modifier/")))
    assert ("", "None") in english and ("terminal", "Store terminal") in english


def test_a_cancelled_order_shows_its_status_without_a_form(staff_client, shop):
    cancelled, open_order = make_order(status="cancelled"), make_order()
    page = order_page(staff_client, cancelled)
    action = reverse("dashboard:order_change_status", args=[cancelled.number])
    assert action not in page and 'id="order-status"' not in page
    assert 'class="badge order-cancelled">Annulée</span>' in page
    assert "Une commande annulée ne peut plus changer de statut." in page
    assert 'id="order-status"' in order_page(staff_client, open_order)
    listing = text(staff_client.get(reverse("dashboard:order_list")))
    assert action not in listing and f'id="status-{cancelled.number}"' not in listing
    assert f'id="status-{open_order.number}"' in listing
