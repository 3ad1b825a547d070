"""Real row locks (PostgreSQL): concurrent back-office actions never double-release or oversell."""

import threading
from decimal import Decimal

import pytest

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.testing import (
    make_delivery_methods,
    make_order,
    make_product,
    make_shop,
    make_staff_user,
    run_together,
)
from comptoir.invoicing.models import CreditNote
from comptoir.invoicing.services import change_order_status, issue_invoice
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.services import add_order_line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together_outcomes(count, action):
    """Sorted outcomes of ``action()`` run by ``count`` threads at once: "ok" or the error's name."""
    outcomes = run_together(count, lambda _index: action())
    return sorted("ok" if not isinstance(o, Exception) else type(o).__name__ for o in outcomes)


def test_concurrent_cancellations_release_stock_and_credit_once():
    make_shop()
    make_delivery_methods()
    merchant = make_staff_user()
    product = make_product(stock=4)
    order = make_order([(product, 3)])
    issue_invoice(order)
    outcomes = run_together_outcomes(8, lambda: change_order_status(
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

    outcomes = run_together_outcomes(6, add)
    assert outcomes == ["OutOfStock"] * 3 + ["ok"] * 3
    last_units.refresh_from_db()
    assert last_units.stock == 0
    assert StockMovement.objects.filter(product=last_units).count() == 3
