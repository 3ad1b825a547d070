"""What the invoice documents say once money moves: no payment link without a balance due,
how to pay an order placed for its details only, no payment terms on a paid invoice, reasons
in the document's language."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.models import CreditNote
from comptoir.invoicing.pdf import render_invoice_pdf
from comptoir.invoicing.services import change_order_status, issue_invoice
from comptoir.orders.models import Order
from comptoir.payments.links import payment_url
from comptoir.payments.messages import send_invoice_email
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

from .test_pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def paypal_on(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://boutique.test"
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-id", "client-secret"
    return make_shop(paypal_enabled=True, invoice_footer_fr="Payable sur réception. Merci!")


def invoice_of(payment_method="cheque", language="fr"):
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup",
                       payment_method=payment_method, language=language)
    return issue_invoice(order)


@pytest.mark.parametrize("method", [
    Payment.Method.TERMINAL, Payment.Method.UNSPECIFIED, Payment.Method.CHEQUE])
def test_an_invoice_without_balance_is_emailed_without_a_payment_link(paypal_on, method):
    invoice = invoice_of()
    record_payment(invoice, method=method)
    assert payment_url(invoice) is None
    notification = send_invoice_email(invoice)
    assert notification.context["payment_url"] == ""
    assert "/payer/" not in notification.body_text


def test_a_partly_paid_invoice_is_emailed_with_a_link_for_its_balance(paypal_on):
    invoice = invoice_of()
    record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("100.00"))
    notification = send_invoice_email(invoice)
    assert notification.context["payment_url"] == f"https://boutique.test/fr/payer/{invoice.payment_token}/"
    assert notification.context["invoice"]["balance"] == "14.98"


def test_order_details_only_invoice_says_how_to_pay(paypal_on):
    invoice = invoice_of(payment_method="")
    with_link = pdf_text(render_invoice_pdf(invoice, payment_url=payment_url(invoice)))
    assert "Aucun" not in with_link and "détails de la commande" not in with_link
    assert "Mode de paiement choisi" not in with_link
    assert "Payer en ligne :" in with_link, with_link
    assert f"https://boutique.test/fr/payer/{invoice.payment_token}/" in with_link.replace(" ", ""), with_link
    without_link = pdf_text(render_invoice_pdf(invoice))
    assert "Pour payer cette facture, communiquez avec nous" in without_link
    assert "514 555-0142" in without_link


def test_payment_terms_are_printed_while_a_balance_is_due_only(paypal_on):
    invoice = invoice_of()
    assert "Payable sur réception" in pdf_text(render_invoice_pdf(invoice))
    record_payment(invoice, method=Payment.Method.CHEQUE)
    paid = pdf_text(render_invoice_pdf(invoice))
    assert "Payable sur réception" not in paid and "Statut : payée le" in paid


@pytest.mark.parametrize(("language", "reason"), [("en", "Order cancelled"), ("fr", "Commande annulée")])
def test_a_cancellation_reason_is_written_in_the_invoice_language(paypal_on, language, reason):
    invoice = invoice_of(language=language)
    with translation.override("fr" if language == "en" else "en"):  # the staff member's language
        change_order_status(invoice.order, to=Order.Status.CANCELLED, actor=None)
    assert CreditNote.objects.get(invoice=invoice).reason == reason
