"""« Rembourser » in Chromium: one line of three of a PayPal-paid order, put back in stock."""

import os
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.catalog.models import StockMovement
from comptoir.core.testing import make_delivery_methods, make_product
from comptoir.invoicing.models import CreditNote
from comptoir.payments.models import Payment, Refund
from comptoir.paypal.testing import make_paypal_paid_order

from .test_browser import merchant_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_refund_one_line_of_three_paid_with_paypal(page, live_server, paypal_simulator, smtp_server,
                                                   settings):
    settings.SITE_URL = live_server.url
    make_delivery_methods()
    products = [make_product(name_fr=name, price_amount=Decimal(price), stock=4)
                for name, price in (("Café du matin", "10.00"), ("Confiture de bleuets", "20.00"),
                                    ("Sirop d'érable", "30.00"))]
    order, invoice = make_paypal_paid_order(paypal_simulator, [(p, 1) for p in products],
                                            delivery_kind="pickup")
    capture_id = Payment.objects.get(invoice=invoice).provider_reference
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the payment's messages
    sent_before = len(smtp_server.messages)

    merchant_login(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/commandes/{order.number}/facture/")
    page.get_by_role("link", name="Rembourser").click()
    expect(page.get_by_role("heading", name=re.compile("Remboursement — facture"))).to_be_visible()
    page.get_by_label("Quantité de Confiture de bleuets à créditer").fill("1")
    row = page.locator("tr", has_text="Confiture de bleuets")
    expect(row.get_by_label("Remettre en stock")).to_be_checked()
    page.get_by_label("Motif (imprimé sur la note de crédit)").fill("Pot arrivé brisé")
    page.screenshot_as("refund-form")
    page.get_by_role("button", name="Émettre la note de crédit et rembourser").click()
    expect(page.get_by_text(re.compile(r"Note de crédit NC-\d+ émise"))).to_be_visible()

    note = CreditNote.objects.get()
    # Taxes of the credited 20,00 $ from the tax module: 1,00 $ TPS, 2,00 $ TVQ (1,995 rounded).
    assert note.taxes == [{"code": "GST", "rate": "5", "amount": "-1.00"},
                          {"code": "QST", "rate": "9.975", "amount": "-2.00"}]
    assert note.total_amount == Decimal("-23.00")
    products[1].refresh_from_db()
    assert products[1].stock == 5
    assert StockMovement.objects.filter(product=products[1], reason="return", change=1).count() == 1

    # The worker sends the PayPal refund and the credit note email (real SMTP).
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("completed", Decimal("23.00"))
    [at_paypal] = paypal_simulator.refunds_of(capture_id)
    assert (at_paypal["status"], at_paypal["amount"]["value"], at_paypal["id"]) == (
        "COMPLETED", "23.00", refund.provider_reference)
    [email] = smtp_server.messages[sent_before:]
    assert order.email in email["To"] and note.reference in email["Subject"] + email.get_body(
        preferencelist=("plain",)).get_content()
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == f"{note.reference}.pdf"
    assert attachment.get_content().startswith(b"%PDF")

    page.reload()
    main = page.inner_text("main")
    assert note.reference in main and "23,00" in main
    page.screenshot_as("refund-invoice-tab")

    # The customer's order page lists the credit note.
    page.goto(f"{live_server.url}{order.get_customer_url()}")
    expect(page.get_by_text(note.reference)).to_be_visible()
    page.screenshot_as("refund-customer-order-page")
