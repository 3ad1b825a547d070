"""Fixes found in the payment flows: where flow A ends, the method shown after flow C, the
reason of a PayPal refund's credit note."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_product, make_staff_user
from comptoir.invoicing.models import CreditNote
from comptoir.orders.models import Order
from comptoir.paypal import client as paypal
from comptoir.paypal.services import start_checkout
from comptoir.paypal.simulator import make_event
from comptoir.paypal.testing import enable_paypal, make_invoiced_order, process_stored_webhooks

from .test_payment_page import pay_on_simulator

pytestmark = pytest.mark.django_db


def test_flow_a_ends_on_the_order_confirmation_with_the_payment_received(client, paypal_simulator):
    enable_paypal()
    product = make_product(name_fr="Café du matin", price_amount=Decimal("100.00"), stock=5)
    order = place_test_order([(product, 2)], payment_method=Order.PaymentMethod.PAYPAL,
                             delivery_kind="pickup")

    answer = pay_on_simulator(client, paypal_simulator, order.invoice)

    confirmation = reverse("storefront:order_confirmation", kwargs={"token": order.token})
    assert answer.redirect_chain[-1][0] == confirmation
    content = answer.content.decode()
    assert "Payer la facture" not in content
    assert "Merci de votre commande" in content and str(order.number) in content
    assert "Café du matin" in content and "Cueillette en magasin" in content
    assert "Paiement reçu" in content and "La boutique prépare votre commande" in content


def test_flow_c_shows_paypal_as_the_payment_method_in_the_order_list(client, paypal_simulator):
    enable_paypal()
    staff_client = Client()
    staff_client.force_login(make_staff_user(username="marchand", password="motdepasse-solide-42"))
    order, invoice = make_invoiced_order(payment_method="", status="new")

    answer = pay_on_simulator(client, paypal_simulator, invoice)

    assert "Payer la facture" in answer.content.decode()  # a payment link comes back to its page
    order.refresh_from_db()
    assert (order.payment_method, order.status) == (Order.PaymentMethod.PAYPAL, Order.Status.NEW)
    rows = staff_client.get(reverse("dashboard:order_list")).content.decode()
    row = rows[rows.index(f'id="order-{order.number}"'):]
    row = row[:row.index("</tr>")]
    assert "PayPal" in row and "Aucun" not in row


@pytest.mark.parametrize(("language", "reason"), [
    ("fr", "Remboursé sur PayPal"), ("en", "Refunded on PayPal")])
def test_a_paypal_refund_credit_note_has_a_reason_in_the_invoice_language(paypal_simulator, language, reason):
    enable_paypal()
    order, invoice = make_invoiced_order(language=language)
    checkout = start_checkout(invoice, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language=language)
    paypal_simulator.approve(checkout.paypal_order_id)
    answer = paypal.PayPalClient().capture_order(checkout.paypal_order_id, request_id="elsewhere")
    capture = answer["purchase_units"][0]["payments"]["captures"][0]
    refund = make_event("PAYMENT.CAPTURE.REFUNDED", {
        "id": "REFUND-1", "status": "COMPLETED", "amount": {"currency_code": "CAD", "value": "114.98"},
        "invoice_id": capture["invoice_id"], "custom_id": capture["custom_id"],
        "links": [{"rel": "up", "href": f"{paypal_simulator.base_url}/v2/payments/captures/{capture['id']}"}],
    }, resource_type="refund")
    for event in (make_event("PAYMENT.CAPTURE.COMPLETED", capture), refund):
        answer = Client().post("/paiements/paypal/webhook/", data=json.dumps(event),
                               content_type="application/json", headers=paypal_simulator.sign_event(event))
        assert answer.status_code == 200
        process_stored_webhooks()

    assert CreditNote.objects.get(invoice=invoice).reason == f"{reason} (REFUND-1)"
