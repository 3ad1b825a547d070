"""Dates on back-office pages: a time ending with « p.m. » is not followed by a second period."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.testing import make_order
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.orders.services import send_payment_confirmation
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Sent on March 5, 2026, 2:30 p.m.</p>"),
    ("fr", "Envoyée le 5 mars 2026 14:30</p>"),
])
def test_payment_confirmation_sent_on(staff_client, shop, merchant, language, expected):
    order = make_order()
    record_payment(issue_invoice(order), method="transfer")
    send_payment_confirmation(order, actor=merchant)
    afternoon = datetime(2026, 3, 5, 14, 30, tzinfo=ZoneInfo("America/Toronto"))
    OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_CONFIRMATION_SENT).update(created_at=afternoon)
    page = staff_client.get(f"/{language}/gestion/commandes/{order.number}/").content.decode()
    assert expected in page
    assert "p.m..<" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_order_list_dates_as_the_date_filter_writes_them(staff_client, shop, language):
    """The list computes each row's date once in the view: the same text as ``|date``."""
    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone, translation

    from comptoir.orders.models import Order

    order = make_order()
    evening = datetime(2026, 3, 5, 23, 30, tzinfo=ZoneInfo("UTC"))  # 18:30 in Montréal
    Order.objects.filter(pk=order.pk).update(placed_at=evening)
    page = staff_client.get(f"/{language}/gestion/commandes/").content.decode()
    with translation.override(language), timezone.override(ZoneInfo("America/Toronto")):
        local = timezone.localtime(evening)
        expected = (f'<time datetime="{date_filter(local, "c")}">'
                    f'{date_filter(local, "SHORT_DATETIME_FORMAT")}</time>')
    assert "2026-03-05T18:30:00-05:00" in expected
    assert expected in page
