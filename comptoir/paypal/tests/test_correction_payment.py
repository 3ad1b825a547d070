"""An invoiced, paid order gets one more line: credit note + new invoice, and the payment link
of the new invoice charges only the difference through the PayPal simulator."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core.testing import make_product, make_staff_user
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order
from comptoir.payments.models import Payment
from comptoir.paypal.services import capture_checkout, start_checkout
from comptoir.paypal.testing import make_paypal_paid_order

pytestmark = pytest.mark.django_db


def test_add_a_line_then_pay_the_difference_through_paypal(client, paypal_simulator, settings):
    settings.SITE_URL = "http://shop.test"
    order, old = make_paypal_paid_order(paypal_simulator, delivery_kind="pickup")  # 114.98 paid
    client.force_login(make_staff_user())
    jam = make_product(name_fr="Confiture de bleuets", price_amount=Decimal("10.00"), stock=3)

    client.post(reverse("dashboard:order_add_line", args=[order.number]), {"product": jam.pk, "quantity": 1})

    order = Order.objects.get(pk=order.pk)
    old.refresh_from_db()
    new = order.invoice
    assert new != old and old.status == Invoice.Status.CANCELLED
    assert CreditNote.objects.get(invoice=old).total_amount == Decimal("-114.98")
    assert (new.total_amount, new.paid_amount, new.balance_amount) == (
        Decimal("126.47"), Decimal("114.98"), Decimal("11.49"))
    tab = client.get(reverse("dashboard:order_invoice", args=[order.number])).content.decode()
    assert new.reference in tab and old.reference in tab and "11,49" in tab

    # « Envoyer la facture »: the new invoice, with a payment link for the balance only.
    client.post(reverse("dashboard:invoice_send", args=[new.number]))
    email = Notification.objects.filter(template="invoice").latest("pk")
    assert new.reference in email.body_text and "11,49" in email.body_text
    link = re.search(r"http://shop\.test(/fr/payer/[0-9a-f-]{36}/)", email.body_text).group(1)
    assert client.get(link).status_code == 200

    checkout = start_checkout(new, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language="fr")
    assert checkout.amount == Decimal("11.49")
    paypal_simulator.approve(checkout.paypal_order_id)
    capture_checkout(checkout, source="return")
    at_paypal = paypal_simulator.order(checkout.paypal_order_id)
    assert at_paypal["purchase_units"][0]["payments"]["captures"][0]["amount"]["value"] == "11.49"
    new.refresh_from_db()
    assert new.status == Invoice.Status.PAID and new.balance_amount == Decimal("0.00")
    amounts = sorted(p.amount for p in Payment.objects.filter(invoice=new))
    assert amounts == [Decimal("11.49"), Decimal("114.98")]
