"""English back-office pages read as English: the customer's language, dates, quotation marks."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.testing import make_order
from comptoir.customers.models import Customer
from comptoir.invoicing.services import change_order_status
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db


def customer_line(client, language, customer) -> str:
    page = client.get(f"/{language}/gestion/clients/{customer.pk}/").content.decode()
    start = page.index(f'href="mailto:{customer.email}"')
    return page[start:page.index("</p>", start)]


@pytest.mark.parametrize(("page_language", "customer_language", "shown", "hidden"), [
    ("en", "fr", "French", "Français"),
    ("en", "en", "English", "Anglais"),
    ("fr", "fr", "français", "French"),
    ("fr", "en", "anglais", "English"),
])
def test_the_customer_language_is_named_in_the_page_language(
        staff_client, shop, page_language, customer_language, shown, hidden):
    make_order(language=customer_language)
    line = customer_line(staff_client, page_language, Customer.objects.get())
    assert shown in line
    assert hidden not in line


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "2026-03-05 14:30</time>"),
    ("fr", "05/03/2026 14:30</time>"),
])
def test_order_list_dates(staff_client, shop, language, expected):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(
        placed_at=datetime(2026, 3, 5, 14, 30, tzinfo=ZoneInfo("America/Toronto")))
    page = staff_client.get(f"/{language}/gestion/commandes/").content.decode()
    assert expected in page


def test_the_timeline_quotes_statuses_the_english_way(staff_client, shop, merchant):
    order = make_order()
    change_order_status(order, to="awaiting_payment", actor=merchant)
    page = staff_client.get(f"/en/gestion/commandes/{order.number}/").content.decode()
    assert "Status changed from “New” to “Awaiting payment”" in page
    assert "«" not in page
