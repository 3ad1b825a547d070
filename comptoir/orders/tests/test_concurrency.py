"""Real row locks (PostgreSQL): concurrent back-office actions never double-release or oversell."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import CreditNote
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.services import add_order_line, change_order_status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(count, action):
    barrier = threading.Barrier(count)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_concurrent_cancellations_release_stock_and_credit_once():
    make_shop()
    make_delivery_methods()
    merchant = make_staff_user()
    product = make_product(stock=4)
    order = make_order([(product, 3)])
    issue_invoice(order)
    outcomes = run_together(8, lambda: change_order_status(
        Order.objects.get(pk=order.pk), to=Order.Status.CANCELLED, actor=merchant))
    assert outcomes == ["InvalidTransition"] * 7 + ["ok"]
    product.refresh_from_db()
    assert product.stock == 7
    assert StockMovement.objects.filter(reason="release").count() == 1
    assert CreditNote.objects.count() == 1
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.STATUS_CHANGED).count() == 1


def test_concurrent_additions_never_oversell():
    make_shop()
    make_delivery_methods()
    merchant = make_staff_user()
    last_units = make_product(stock=3, price_amount=Decimal("5.00"))
    orders = [make_order() for _ in range(6)]
    iterator = iter(orders)
    lock = threading.Lock()

    def add():
        with lock:
            order = next(iterator)
        add_order_line(order, product=Product.objects.get(pk=last_units.pk), quantity=1, actor=merchant)

    outcomes = run_together(6, add)
    assert outcomes == ["OutOfStock"] * 3 + ["ok"] * 3
    last_units.refresh_from_db()
    assert last_units.stock == 0
    assert StockMovement.objects.filter(product=last_units).count() == 3
