"""« Terminal du magasin »: brand, last 4 digits and authorization number, never a card number."""

import io
import logging
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from comptoir.core.testing import make_order, make_product
from comptoir.invoicing.pdf import render_invoice_pdf
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.payments.cards import contains_card_number
from comptoir.payments.models import Payment
from comptoir.payments.services import PaymentError, record_payment

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"  # a test Visa number: passes the Luhn check


@pytest.fixture
def invoice(shop):
    order = make_order([(make_product(price_amount=Decimal("30.00")), 1)], delivery_kind="pickup")
    return issue_invoice(order)


def editor(invoice):
    return reverse("dashboard:invoice_edit", args=[invoice.order.number])


def pdf_text(invoice) -> str:
    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize(("text", "found"), [
    (CARD, True), ("4242 4242 4242 4242", True), ("4242-4242-4242-4242", True),
    ("réf. 4242 4242 4242 4242, merci", True), ("378282246310005", True),  # American Express, 15
    ("4242424242424241", False),  # one digit off: fails the Luhn check
    ("4242", False), ("083215", False), ("MP-4471", False), ("", False),
])
def test_card_numbers_are_recognised_with_or_without_separators(text, found):
    assert contains_card_number(text) is found


def test_terminal_details_are_recorded_and_shown_on_the_invoice_and_timeline(staff_client, invoice):
    response = staff_client.post(editor(invoice), {
        "method": "terminal", "amount": "", "card_brand": "visa", "card_last4": "4242",
        "authorization_code": "083215",
    }, follow=True)
    assert response.status_code == 200
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.card_brand, payment.card_last4, payment.authorization_code) == ("visa", "4242", "083215")
    tab = staff_client.get(reverse("dashboard:order_invoice", args=[invoice.order.number])).content.decode()
    assert "Visa •••• 4242 · autorisation 083215" in tab
    detail = staff_client.get(reverse("dashboard:order_detail", args=[invoice.order.number])).content.decode()
    assert "(Terminal du magasin) — Visa •••• 4242 · autorisation 083215" in detail
    invoice.refresh_from_db()
    assert "Visa •••• 4242 · autorisation 083215" in pdf_text(invoice)


@pytest.mark.parametrize("field", ["card_last4", "authorization_code", "reference"])
@pytest.mark.parametrize("typed", [CARD, "4242 4242 4242 4242"])
def test_a_full_card_number_is_refused_and_stored_nowhere(staff_client, invoice, caplog, field, typed):
    caplog.set_level(logging.DEBUG)
    data = {"method": "terminal", "amount": "", "card_brand": "visa", "card_last4": "4242",
            "authorization_code": "083215", field: typed}
    response = staff_client.post(editor(invoice), data)
    page = response.content.decode().replace("&#x27;", "'")
    assert "Ceci ressemble à un numéro de carte complet : il n'est jamais enregistré." in page
    assert typed not in page  # not even shown back in the form
    assert not Payment.objects.exists()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    sessions = " ".join(str(session.get_decoded()) for session in Session.objects.all())
    for haystack in (dump.getvalue(), sessions, caplog.text):
        assert CARD not in haystack.replace(" ", "").replace("-", "")


def test_the_service_refuses_a_card_number_and_card_details_of_another_method(invoice):
    with pytest.raises(PaymentError, match="numéro de carte complet"):
        record_payment(invoice, method="terminal", authorization_code=f"{CARD}")
    with pytest.raises(PaymentError):
        record_payment(invoice, method="cheque", card_last4="4242")
    with pytest.raises(PaymentError):
        record_payment(invoice, method="terminal", card_last4="42a2")
    with pytest.raises(PaymentError):
        record_payment(invoice, method="terminal", card_brand="diners-club")
    assert not Payment.objects.exists()
    assert not invoice.order.events.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).exists()

