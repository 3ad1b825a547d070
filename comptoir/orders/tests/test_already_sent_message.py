"""« Déjà envoyée »: the date and time of the first payment confirmation, with no doubled period
after an English « p.m. »."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.orders.services import send_payment_confirmation
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "The payment confirmation was already sent (March 5, 2026, 2:30 p.m.)."),
    ("fr", "La confirmation de paiement a déjà été envoyée (le 5 mars 2026 14:30)."),
])
def test_already_sent_on(shop, merchant, language, expected):
    order = make_order()
    record_payment(issue_invoice(order), method="transfer")
    send_payment_confirmation(order, actor=merchant)
    afternoon = datetime(2026, 3, 5, 14, 30, tzinfo=ZoneInfo("America/Toronto"))
    OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT).update(created_at=afternoon)
    events = list(order.events.values_list("kind", flat=True))
    with translation.override(language), pytest.raises(DomainError) as refused:
        send_payment_confirmation(order, actor=merchant)
    assert str(refused.value) == expected
    assert refused.value.code == "already_sent"
    assert list(order.events.values_list("kind", flat=True)) == events
