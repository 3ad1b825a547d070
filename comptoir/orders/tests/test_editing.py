"""Order editing while no invoice is issued: stock, totals, taxes and the timeline follow."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import DomainError, NotEditable, OutOfStock
from comptoir.core.testing import make_order, make_product
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import Order, OrderEvent, OrderLine
from comptoir.orders.services import add_order_line, remove_order_line, update_order_line

pytestmark = pytest.mark.django_db
D = Decimal


def _state(order):
    """Everything an edit may change: a refused edit must leave all of it as it was."""
    order.refresh_from_db()
    return (
        list(order.lines.values_list("product_id", "quantity", "unit_price_amount", "line_total_amount")),
        list(order.taxes.values_list("code", "rate", "amount")),
        (order.subtotal_amount, order.shipping_amount, order.insurance_amount, order.tax_total,
         order.total_amount),
        order.events.count(),
        list(Product.objects.order_by("pk").values_list("stock", flat=True)),
        StockMovement.objects.count(),
    )


@pytest.fixture
def coffee(shop):
    return make_product(name_fr="Café Brésil", price_amount=D("100.00"), stock=10)


@pytest.fixture
def jam(shop):
    return make_product(name_fr="Confiture", price_amount=D("10.00"), stock=3)


@pytest.fixture
def order(coffee):
    # $100 shipped in Québec: delivery $12 (free from $150); GST 5 %, QST 9.975 % on $112.
    order = make_order([(coffee, 1)])
    assert (order.shipping_amount, order.total_amount) == (D("12.00"), D("128.77"))
    return order


def _taxes(order):
    return {code: amount for code, amount in order.taxes.values_list("code", "amount")}


def test_add_line_takes_stock_and_reprices(order, jam, merchant):
    add_order_line(order, product=jam, quantity=2, actor=merchant)
    order.refresh_from_db()
    # Goods 120.00 + delivery 12.00 = 132.00 taxable: GST 6.60, QST 13.17.
    assert (order.subtotal_amount, order.shipping_amount) == (D("120.00"), D("12.00"))
    assert _taxes(order) == {"GST": D("6.60"), "QST": D("13.17")}
    assert (order.tax_total, order.total_amount) == (D("19.77"), D("151.77"))
    jam.refresh_from_db()
    assert jam.stock == 1
    movement = StockMovement.objects.get(product=jam)
    assert (movement.change, movement.reason, movement.order_number) == (-2, "sale", order.number)
    line = order.lines.get(product=jam)
    assert (line.quantity, line.unit_price_amount, line.line_total_amount) == (2, D("10.00"), D("20.00"))
    event = order.events.get(kind=OrderEvent.Kind.LINE_ADDED)
    assert event.actor == merchant
    assert event.data["quantity"] == 2 and event.data["unit_price"] == "10.00"


def test_adding_the_same_product_adds_to_its_line(order, coffee, merchant):
    add_order_line(order, product=coffee, quantity=1, actor=merchant)
    order.refresh_from_db()
    assert list(order.lines.values_list("quantity", flat=True)) == [2]
    # $200 goods: free delivery from $150; taxes on 200.00 -> 10.00 + 19.95.
    assert (order.shipping_amount, order.tax_total, order.total_amount) == (
        D("0.00"), D("29.95"), D("229.95"))


def test_add_more_than_in_stock_is_refused(order, jam, merchant):
    before = _state(order)
    with translation.override("fr"), pytest.raises(OutOfStock) as refused:
        add_order_line(order, product=jam, quantity=4, actor=merchant)
    assert str(refused.value) == "Il ne reste que 3 en stock pour « Confiture »."
    assert _state(order) == before


@pytest.mark.parametrize("quantity", [0, -1, "abc", None, 10_000])
def test_bad_quantity_is_refused(order, jam, merchant, quantity):
    before = _state(order)
    with pytest.raises(DomainError):
        add_order_line(order, product=jam, quantity=quantity, actor=merchant)
    assert _state(order) == before


def test_update_quantity_up_and_down_moves_stock(order, coffee, merchant):
    line = order.lines.get()
    update_order_line(line, quantity=3, unit_price_amount=D("100.00"), actor=merchant)
    coffee.refresh_from_db()
    assert coffee.stock == 8
    order.refresh_from_db()
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (
        D("300.00"), D("0.00"), D("344.93"))
    update_order_line(line, quantity=1, unit_price_amount=D("100.00"), actor=merchant)
    coffee.refresh_from_db()
    assert coffee.stock == 10
    assert list(StockMovement.objects.order_by("id").values_list("change", "reason")) == [
        (-2, "sale"), (2, "release"),
    ]
    order.refresh_from_db()
    assert order.total_amount == D("128.77")
    events = order.events.filter(kind=OrderEvent.Kind.LINE_CHANGED).order_by("id")
    assert [(e.data["old_quantity"], e.data["quantity"]) for e in events] == [(1, 3), (3, 1)]


def test_update_unit_price_reprices_and_keeps_stock(order, coffee, merchant):
    line = order.lines.get()
    update_order_line(line, quantity=1, unit_price_amount=D("80.00"), actor=merchant)
    order.refresh_from_db()
    line.refresh_from_db()
    assert (line.unit_price_amount, line.line_total_amount) == (D("80.00"), D("80.00"))
    # 80 + 12 delivery = 92.00: GST 4.60, QST 9.18.
    assert _taxes(order) == {"GST": D("4.60"), "QST": D("9.18")}
    assert order.total_amount == D("105.78")
    coffee.refresh_from_db()
    assert coffee.stock == 10
    event = order.events.get(kind=OrderEvent.Kind.LINE_CHANGED)
    assert (event.data["old_unit_price"], event.data["unit_price"]) == ("100.00", "80.00")


def test_update_without_change_writes_nothing(order, merchant):
    before = _state(order)
    update_order_line(order.lines.get(), quantity=1, unit_price_amount=D("100.00"), actor=merchant)
    assert _state(order) == before


@pytest.mark.parametrize("price", [D("-1"), "abc", D("NaN")])
def test_bad_unit_price_is_refused(order, merchant, price):
    before = _state(order)
    with pytest.raises(DomainError):
        update_order_line(order.lines.get(), quantity=1, unit_price_amount=price, actor=merchant)
    assert _state(order) == before


def test_update_above_stock_is_refused(order, coffee, merchant):
    before = _state(order)
    with pytest.raises(OutOfStock):
        update_order_line(order.lines.get(), quantity=12, unit_price_amount=D("100.00"), actor=merchant)
    assert _state(order) == before


def test_remove_line_releases_stock_and_reprices(order, jam, coffee, merchant):
    add_order_line(order, product=jam, quantity=2, actor=merchant)
    coffee_line = order.lines.get(product=coffee)
    remove_order_line(coffee_line, actor=merchant)
    order.refresh_from_db()
    assert list(order.lines.values_list("product_id", flat=True)) == [jam.pk]
    assert not OrderLine.objects.filter(pk=coffee_line.pk).exists()
    coffee.refresh_from_db()
    assert coffee.stock == 11  # make_order takes no stock; the release puts the line's unit back
    # 20 + 12 = 32.00: GST 1.60, QST 3.19.
    assert order.total_amount == D("36.79")
    event = order.events.get(kind=OrderEvent.Kind.LINE_REMOVED)
    assert event.data["quantity"] == 1


def test_the_last_line_cannot_be_removed(order, merchant):
    before = _state(order)
    with pytest.raises(NotEditable):
        remove_order_line(order.lines.get(), actor=merchant)
    assert _state(order) == before


def test_insurance_fee_of_the_order_is_kept(shop, coffee, jam, merchant):
    shop.insurance_fee_amount = D("5.00")
    shop.save()
    order = make_order([(coffee, 1)])
    assert order.insurance_amount == D("5.00")
    shop.insurance_fee_amount = D("9.00")  # changed later: applies to new orders only
    shop.save()
    add_order_line(order, product=jam, quantity=1, actor=merchant)
    order.refresh_from_db()
    assert order.insurance_amount == D("5.00")
    # 110 + 12 + 5 = 127.00: GST 6.35, QST 12.67.
    assert order.total_amount == D("146.02")


def test_pickup_order_is_taxed_in_the_store_province(shop, jam, merchant):
    order = make_order([(jam, 1)], delivery_kind="pickup", province="ON")
    add_order_line(order, product=jam, quantity=1, actor=merchant)
    order.refresh_from_db()
    assert set(_taxes(order)) == {"GST", "QST"}


def test_ontario_destination_keeps_hst(shop, jam, merchant):
    order = make_order([(jam, 1)], province="ON")
    update_order_line(order.lines.get(), quantity=2, unit_price_amount=D("10.00"), actor=merchant)
    order.refresh_from_db()
    # 20 + 12 delivery = 32.00: HST 13 % = 4.16.
    assert _taxes(order) == {"HST": D("4.16")}


@pytest.mark.parametrize("action", ["add", "update", "remove"])
def test_editing_is_refused_once_the_invoice_is_issued(order, jam, merchant, action):
    add_order_line(order, product=jam, quantity=1, actor=merchant)
    issue_invoice(order)
    before = _state(order)
    line = order.lines.get(product=jam)
    with pytest.raises(NotEditable) as refused:
        if action == "add":
            add_order_line(order, product=jam, quantity=1, actor=merchant)
        elif action == "update":
            update_order_line(line, quantity=2, unit_price_amount=D("1.00"), actor=merchant)
        else:
            remove_order_line(line, actor=merchant)
    assert refused.value.code == "invoiced"
    assert _state(order) == before


@pytest.mark.parametrize("status", [Order.Status.COMPLETED, Order.Status.CANCELLED])
def test_closed_orders_are_not_editable(order, jam, merchant, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    before = _state(order)
    with pytest.raises(NotEditable):
        add_order_line(order, product=jam, quantity=1, actor=merchant)
    assert _state(order) == before
