"""« Envoyer la confirmation de paiement »: only for a paid invoice; messages go to the outbox."""

import pytest

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import OrderEvent
from comptoir.orders.services import send_payment_confirmation
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


def _kinds(order):
    return list(order.events.values_list("kind", flat=True))


@pytest.mark.parametrize("invoice", [None, "unpaid"])
def test_refused_until_the_invoice_is_paid(shop, merchant, invoice):
    order = make_order()
    if invoice:
        issue_invoice(order)
    before = _kinds(order)
    with pytest.raises(DomainError):
        send_payment_confirmation(order, actor=merchant)
    assert Notification.objects.count() == 0
    assert _kinds(order) == before


def test_queues_customer_and_merchant_messages(shop, merchant):
    order = make_order(email="client@example.test")
    invoice = issue_invoice(order)
    record_payment(invoice, method="cheque")
    send_payment_confirmation(order, actor=merchant)
    messages = Notification.objects.filter(reference=f"order:{order.pk}")
    assert sorted(messages.values_list("recipient", flat=True)) == [
        "client@example.test", "marchand@delices.test",
    ]
    assert all(m.status == Notification.Status.PENDING for m in messages)
    event = order.events.get(kind=OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT)
    assert event.actor == merchant


def test_second_click_is_refused_and_sends_nothing_more(shop, merchant):
    order = make_order()
    record_payment(issue_invoice(order), method="cash")
    send_payment_confirmation(order, actor=merchant)
    count, kinds = Notification.objects.count(), _kinds(order)
    with pytest.raises(DomainError):
        send_payment_confirmation(order, actor=merchant)
    assert (Notification.objects.count(), _kinds(order)) == (count, kinds)
