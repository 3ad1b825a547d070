"""The HTML emails as a mail client shows them: rendered by Chromium, screenshot kept."""

from decimal import Decimal

import pytest
from django.conf import settings

from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.notifications.models import Notification
from comptoir.orders.messages import queue_order_placed_messages, queue_payment_confirmation_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def order():
    make_shop(insurance_fee_amount=Decimal("2.50"), alert_new_order="email",
              alert_payment_recorded="email")
    jam = make_product(name_fr="Confiture de bleuets sauvages", price_amount=Decimal("8.50"))
    syrup = make_product(name_fr="Sirop d’érable ambré 540 ml", price_amount=Decimal("14.95"))
    return make_order([(jam, 3), (syrup, 2)])


def show(page, notification: Notification, name: str):
    page.set_content(notification.body_html)
    page.screenshot_as(name)
    return page


def test_the_order_confirmation_email(page, order):
    queue_order_placed_messages(order)
    confirmation = Notification.objects.get(template="order_confirmation")

    show(page, confirmation, "email-order-confirmation-fr")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Confirmation de commande nº {order.number}"
    link = page.get_by_role("link", name="Voir ma commande").get_attribute("href")
    assert link.startswith(f"{settings.SITE_URL}/fr/") and str(order.token) in link
    body = page.inner_text("body")
    for text in ["Confiture de bleuets sauvages", "Sirop d’érable ambré 540 ml", "TPS 5", "TVQ 9,975",
                 "Frais d’assurance", "Chèque, mandat-poste ou virement", "Adresse de livraison"]:
        assert text in body
    # Fits a phone-sized mail client column: nothing wider than the 600 px card.
    width = page.evaluate("document.querySelector('table table').getBoundingClientRect().width")
    assert width <= 600


def test_the_merchant_and_payment_emails(page, order):
    from comptoir.invoicing.services import issue_invoice
    from comptoir.payments.models import Payment
    from comptoir.payments.services import record_payment

    queue_order_placed_messages(order)
    invoice = issue_invoice(order)
    record_payment(invoice, method=Payment.Method.CHEQUE)
    queue_payment_confirmation_messages(order, event="recorded")

    show(page, Notification.objects.get(template="new_order"), "email-new-order-merchant-fr")
    assert f"Nouvelle commande nº {order.number}" in page.inner_text("h1")
    assert page.get_by_role("link", name="Ouvrir la commande").is_visible()

    show(page, Notification.objects.get(template="payment_confirmation"), "email-payment-confirmation-fr")
    assert page.inner_text("h1") == "Confirmation de paiement"
    body = page.inner_text("body")
    assert invoice.reference in body
    assert "Chèque" in body
