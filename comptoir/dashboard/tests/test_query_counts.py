"""Every back-office page runs the same number of queries whatever the amount of data."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comptoir.core.testing import make_order, make_product
from comptoir.customers.models import Customer
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent, OrderLine
from comptoir.payments.models import Payment

pytestmark = pytest.mark.django_db


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries)


def add_orders(template: Order, count: int, *, start: int) -> None:
    """``count`` copies of ``template`` (new customers, half of them invoiced) in a few queries."""
    customers = Customer.objects.bulk_create(
        Customer(email=f"client{start + i}@example.test", first_name="Client", last_name=f"N{start + i}")
        for i in range(count)
    )
    orders = []
    for i, customer in enumerate(customers):
        copy = Order.objects.get(pk=template.pk)
        copy.pk, copy.number, copy.token, copy.customer = None, start + i, uuid.uuid4(), customer
        orders.append(copy)
    Order.objects.bulk_create(orders)
    line = template.lines.get()
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=line.product, sku=line.sku, name_fr=line.name_fr,
                  unit_price_amount=line.unit_price_amount, quantity=1,
                  line_total_amount=line.line_total_amount)
        for order in orders
    )
    now = timezone.now()
    Invoice.objects.bulk_create(
        Invoice(order=order, current_for=order, number=order.number, issued_at=now, customer_name="Client",
                customer_email=order.email, subtotal_amount=order.subtotal_amount,
                shipping_amount=order.shipping_amount, insurance_amount=order.insurance_amount,
                tax_total=order.tax_total, total_amount=order.total_amount,
                status="paid" if order.number % 4 == 0 else "unpaid")
        for order in orders[::2]
    )


@pytest.fixture
def template(shop):
    return make_order()


@pytest.mark.parametrize("params", [{}, {"status": "new"}, {"status": "ready"}, {"q": "client"},
                                    {"q": "N1"}, {"avant": "20050"}, {"apres": "10002"}])
def test_order_list(staff_client, template, params):
    url = reverse("dashboard:order_list")
    add_orders(template, 5, start=10_000)
    small = count_queries(staff_client, url, **params)
    add_orders(template, 120, start=20_000)
    assert count_queries(staff_client, url, **params) == small


def _busy(order: Order, merchant, size: int) -> None:
    """Give an order ``size`` lines, events and messages, an invoice, payments, a credit note."""
    for i in range(size):
        product = make_product(price_amount=Decimal("3.00"))
        OrderLine.objects.create(order=order, product=product, sku=product.sku, name_fr=product.name_fr,
                                 unit_price_amount=Decimal("3.00"), quantity=1,
                                 line_total_amount=Decimal("3.00"), position=i + 1)
        OrderEvent.objects.create(
            order=order, kind=OrderEvent.Kind.NOTE, actor=merchant, data={"text": f"{i}"}
        )
        Notification.objects.create(channel="email", template="invoice", recipient="a@example.test",
                                    reference=f"order:{order.pk}", dedupe_key=f"k{order.pk}:{i}",
                                    subject="Sujet", body_text="Texte")
    invoice = issue_invoice(order)
    for _i in range(size):
        Payment.objects.create(invoice=invoice, method="cash", amount=Decimal("0.01"))
    issue_credit_note(invoice, reason="test")


@pytest.mark.parametrize("view", ["dashboard:order_detail", "dashboard:order_invoice",
                                  "dashboard:invoice_edit"])
def test_order_pages(staff_client, merchant, shop, view):
    small, large = make_order(), make_order()
    _busy(small, merchant, 1)
    _busy(large, merchant, 25)
    assert count_queries(staff_client, reverse(view, args=[large.number])) == count_queries(
        staff_client, reverse(view, args=[small.number])
    )


def test_order_page_with_product_search(staff_client, shop):
    order = make_order()
    url = reverse("dashboard:order_detail", args=[order.number])
    make_product(name_fr="Savon 0")
    small = count_queries(staff_client, url, produit="Savon")
    for i in range(1, 40):
        make_product(name_fr=f"Savon {i}")
    assert count_queries(staff_client, url, produit="Savon") == small


@pytest.mark.parametrize("params", [{}, {"q": "client"}, {"q": "F-000001"}])
def test_invoice_list(staff_client, template, params):
    url = reverse("dashboard:invoice_list")
    add_orders(template, 6, start=10_000)
    issue_credit_note(Invoice.objects.first())
    small = count_queries(staff_client, url, **params)
    add_orders(template, 100, start=20_000)
    for invoice in Invoice.objects.filter(status="unpaid")[:10]:
        issue_credit_note(invoice)
    assert CreditNote.objects.count() == 11
    assert count_queries(staff_client, url, **params) == small


@pytest.mark.parametrize("params", [{}, {"q": "client"}])
def test_customer_list(staff_client, template, params):
    url = reverse("dashboard:customer_list")
    add_orders(template, 5, start=10_000)
    small = count_queries(staff_client, url, **params)
    add_orders(template, 80, start=20_000)
    assert count_queries(staff_client, url, **params) == small


def test_customer_detail(staff_client, shop):
    few = make_order(email="peu@example.test")
    many = make_order(email="beaucoup@example.test")
    for _i in range(15):
        make_order(email="beaucoup@example.test")
    assert count_queries(
        staff_client, reverse("dashboard:customer_detail", args=[many.customer_id])
    ) == count_queries(staff_client, reverse("dashboard:customer_detail", args=[few.customer_id]))


@pytest.mark.parametrize("url_name", ["dashboard:order_list", "dashboard:customer_list"])
def test_what_every_page_checks_first_is_read_in_one_query(staff_client, shop, url_name):
    """The second-factor device, the owner group, the shop's « all staff » two-factor setting
    and the outbox banner's three reads: one query (``access.staff_page_state``)."""
    make_order()
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse(url_name))
    assert response.status_code == 200
    tables = ("otp_totp_totpdevice", "auth_group", "merchant_shopsettings", "notifications_notification",
              "notifications_workerheartbeat")
    reads = [q["sql"] for q in queries.captured_queries if any(table in q["sql"] for table in tables)]
    assert len(reads) == 1
    assert all(table in reads[0] for table in tables)


def test_the_order_list_runs_six_queries(staff_client, shop):
    """Session, user, the page's checks, the rows, the tabs' counts, the delivery methods."""
    make_order()
    assert count_queries(staff_client, reverse("dashboard:order_list")) == 6
