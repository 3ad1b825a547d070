"""« Envoyer la confirmation de paiement » after a confirmation already went out (flow A sends
it automatically): the page says so, and sending again needs the merchant's confirmation."""

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.messages import queue_payment_confirmation_messages
from comptoir.orders.models import OrderEvent
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


def confirmations(order):
    return Notification.objects.filter(reference=f"order:{order.pk}", template="payment_confirmation").count()


def test_an_automatic_confirmation_shows_as_sent_and_is_resent_only_when_confirmed(staff_client, shop):
    order = make_order(payment_method="paypal")
    record_payment(issue_invoice(order), method="paypal", provider_reference="CAPTURE-9")
    queue_payment_confirmation_messages(order, event="received")  # what a PayPal payment does
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    form = page[page.index('class="confirmation-form"'):]
    form = form[:form.index("</form>")]
    assert "Envoyée le" in form
    assert 'data-confirm="La confirmation de paiement a déjà été envoyée. L\'envoyer de nouveau' in form
    assert 'name="resend" value="1"' in form

    url = reverse("dashboard:order_send_payment_confirmation", args=[order.number])
    events = order.events.count()
    refused = staff_client.post(url, follow=True).content.decode()
    assert "La confirmation de paiement a déjà été envoyée" in refused
    assert (confirmations(order), order.events.count()) == (1, events)

    staff_client.post(url, {"resend": "1"})
    assert confirmations(order) == 2
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT, data__again=True).count() == 1


def test_the_first_confirmation_by_hand_needs_no_confirmation(staff_client, shop):
    order = make_order()
    record_payment(issue_invoice(order), method="cheque")
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    assert 'name="resend"' not in page and "Envoyée le" not in page
    staff_client.post(reverse("dashboard:order_send_payment_confirmation", args=[order.number]))
    assert confirmations(order) == 1
