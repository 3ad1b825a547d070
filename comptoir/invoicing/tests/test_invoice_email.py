import io
import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from pypdf import PdfReader

from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.messages import queue_credit_note_email
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending
from comptoir.orders.models import OrderEvent
from comptoir.payments.messages import send_invoice_email
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://boutique.test"


@pytest.fixture
def paypal_configured(settings):
    settings.PAYPAL_CLIENT_ID = "client-id"
    settings.PAYPAL_CLIENT_SECRET = "client-secret"
    make_shop(paypal_enabled=True)


def make_invoice(language="fr"):
    make_shop()
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup",
                       language=language, email="marie.tremblay@example.test")
    return issue_invoice(order)


def attachments_of(message):
    return [part for part in message.iter_attachments()]


def test_unpaid_invoice_email_arrives_with_pdf_and_payment_link(smtp_server, paypal_configured):
    invoice = make_invoice("fr")
    staff = make_staff_user()

    notification = send_invoice_email(invoice, actor=staff)
    assert deliver_pending() == 1

    [message] = smtp_server.to("marie.tremblay@example.test")
    assert message["Subject"].strip() == f"Facture {invoice.reference} – Délices du Comptoir"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"Veuillez trouver ci-joint la facture {invoice.reference}" in text
    assert "114,98\u00a0$" in text
    assert "Non payée" in text
    assert "Payer la facture" in text and "Payer la facture" in html
    link = f"https://boutique.test/fr/payer/{invoice.payment_token}/"
    assert notification.context["payment_url"] == link
    assert link in text
    assert f'href="{link}"' in html
    [attachment] = attachments_of(message)
    assert attachment.get_filename() == f"{invoice.reference}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf_text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert invoice.reference in pdf_text
    path = notification.attachments[0]["path"]
    assert default_storage.exists(path)
    assert re.fullmatch(rf"invoices/{invoice.reference}-fr-\d{{8}}-\d{{6}}-[0-9a-f]{{32}}\.pdf", path)
    event = OrderEvent.objects.get(kind=OrderEvent.Kind.INVOICE_SENT)
    assert event.order_id == invoice.order_id
    assert event.actor == staff
    assert event.data["payment_link"] is True
    assert notification.reference == f"order:{invoice.order_id}"


def test_no_payment_link_when_paypal_is_not_available(smtp_server):
    invoice = make_invoice("en")
    send_invoice_email(invoice)
    deliver_pending()
    [message] = smtp_server.to("marie.tremblay@example.test")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message["Subject"].strip() == f"Invoice {invoice.reference} – Délices du Comptoir"
    assert "$114.98" in text and "Unpaid" in text
    assert "Pay the invoice" not in text
    assert "/pay" not in text and "/payer/" not in text
    # Cheque orders carry the shop's instructions instead.
    assert "Make your cheque payable to Les Délices du Comptoir inc." in text
    assert OrderEvent.objects.get(kind=OrderEvent.Kind.INVOICE_SENT).data["payment_link"] is False


def test_paid_invoice_email_has_no_payment_link(smtp_server, paypal_configured):
    invoice = make_invoice("fr")
    record_payment(invoice, method=Payment.Method.CHEQUE)
    send_invoice_email(invoice)
    deliver_pending()
    [message] = smtp_server.to("marie.tremblay@example.test")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Payée le" in text
    assert "Payer la facture" not in text
    assert "Solde à payer" not in text


def test_each_send_is_a_new_email(smtp_server):
    invoice = make_invoice("fr")
    first = send_invoice_email(invoice)
    second = send_invoice_email(invoice)
    assert first.pk != second.pk
    assert deliver_pending() == 2
    assert len(smtp_server.to("marie.tremblay@example.test")) == 2
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.INVOICE_SENT).count() == 2


def test_credit_note_email(smtp_server):
    invoice = make_invoice("fr")
    credit_note = issue_credit_note(invoice, reason="Commande annulée")
    with translation.override("fr"):
        queue_credit_note_email(credit_note)
    deliver_pending()
    [message] = smtp_server.to("marie.tremblay@example.test")
    assert message["Subject"].strip() == f"Note de crédit {credit_note.reference} – Délices du Comptoir"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert invoice.reference in text and "-114,98\u00a0$" in text
    [attachment] = attachments_of(message)
    assert attachment.get_filename() == f"{credit_note.reference}.pdf"
    assert Notification.objects.get().status == Notification.Status.SENT
    event = OrderEvent.objects.get(kind=OrderEvent.Kind.NOTE)
    assert event.data["text"] == (
        f"Note de crédit {credit_note.reference} envoyée par courriel à marie.tremblay@example.test"
    )
