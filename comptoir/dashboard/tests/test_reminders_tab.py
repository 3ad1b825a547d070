"""« Facture » tab of an order: « Envoyer un rappel maintenant » and reminders off for one order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import ReminderPause
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(shop):
    make_shop(reminders_enabled=True)
    order = make_order([(make_product(price_amount=Decimal("30.00")), 1)], delivery_kind="pickup")
    return issue_invoice(order)


def tab(client, invoice):
    return client.get(reverse("dashboard:order_invoice", args=[invoice.order.number])).content.decode()


def test_send_a_reminder_now_queues_it_and_puts_it_on_the_timeline(staff_client, invoice):
    html = tab(staff_client, invoice)
    assert "Rappels de paiement" in html and "Envoyer un rappel maintenant" in html
    remind = reverse("dashboard:invoice_remind", args=[invoice.order.number])
    response = staff_client.post(remind, follow=True)
    assert "Un rappel de paiement est en route vers marie.tremblay@example.test." in response.content.decode()
    [notification] = Notification.objects.filter(template="payment_reminder")
    assert notification.recipient == "marie.tremblay@example.test"
    detail = staff_client.get(reverse("dashboard:order_detail", args=[invoice.order.number])).content.decode()
    assert f"Rappel de paiement de la facture {invoice.reference}" in detail
    assert "Rappel envoyé à la main" in tab(staff_client, invoice)


def test_no_reminder_for_a_paid_invoice(staff_client, invoice):
    record_payment(invoice, method="cheque", amount=None)
    remind = reverse("dashboard:invoice_remind", args=[invoice.order.number])
    response = staff_client.post(remind, follow=True)
    assert "n'a pas de solde à payer" in response.content.decode().replace("&#x27;", "'")
    assert not Notification.objects.filter(template="payment_reminder").exists()


def test_reminders_turned_off_and_back_on_for_one_order(staff_client, invoice):
    url = reverse("dashboard:order_reminders", args=[invoice.order.number])
    staff_client.post(url)
    assert ReminderPause.objects.filter(order=invoice.order).exists()
    assert "Réactiver les rappels pour cette commande" in tab(staff_client, invoice)
    staff_client.post(url, {"enabled": "on"})
    assert not ReminderPause.objects.filter(order=invoice.order).exists()
    assert invoice.order.events.filter(kind=OrderEvent.Kind.REMINDERS_CHANGED).count() == 2


def test_only_staff_may_send_a_reminder(client, invoice):
    client.post(reverse("dashboard:invoice_remind", args=[invoice.order.number]))
    assert not Notification.objects.filter(template="payment_reminder").exists()
