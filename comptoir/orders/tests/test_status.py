"""Order status changes: the transition table, « Complétée » means paid, cancelling."""

from decimal import Decimal

import pytest

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import InvalidTransition
from comptoir.core.testing import make_order, make_product
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import change_order_status, issue_invoice
from comptoir.orders.models import Order, OrderEvent
from comptoir.orders.services import TRANSITIONS
from comptoir.payments.services import record_payment

S = Order.Status
pytestmark = pytest.mark.django_db


def _order(status, *, invoice=None, product=None, quantity=2):
    product = product or make_product(price_amount=Decimal("100.00"), stock=10)
    order = make_order([(product, quantity)], status=S.NEW)
    if invoice:
        issue_invoice(order)
        if invoice == "paid":
            record_payment(order.invoice, method="cheque")
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def _snapshot(order):
    order.refresh_from_db()
    invoice = Invoice.objects.filter(order=order).first()
    return (
        order.status, order.updated_at, order.events.count(),
        invoice.status if invoice else None, CreditNote.objects.count(),
        list(Product.objects.order_by("pk").values_list("stock", flat=True)),
        StockMovement.objects.count(),
    )


ALL_PAIRS = [(old, new) for old in S.values for new in S.values]


@pytest.mark.parametrize("old,new", ALL_PAIRS)
def test_every_transition_follows_the_table(shop, merchant, old, new):
    # A paid invoice so that « Complétée » depends only on the table.
    order = _order(old, invoice="paid" if old != S.CANCELLED else None)
    before = _snapshot(order)
    if new in TRANSITIONS[old]:
        change_order_status(order, to=new, actor=merchant)
        order.refresh_from_db()
        assert order.status == new
        event = order.events.filter(kind=OrderEvent.Kind.STATUS_CHANGED).get()
        assert event.data == {"old": old, "new": new}
        assert event.actor == merchant
    else:
        with pytest.raises(InvalidTransition):
            change_order_status(order, to=new, actor=merchant)
        assert _snapshot(order) == before


def test_the_table_is_the_one_of_the_contract():
    assert TRANSITIONS == {
        S.NEW: {S.AWAITING_PAYMENT, S.COMPLETED, S.CANCELLED},
        S.AWAITING_PAYMENT: {S.NEW, S.COMPLETED, S.CANCELLED},
        S.COMPLETED: {S.CANCELLED},
        S.CANCELLED: set(),
    }


@pytest.mark.parametrize("invoice", [None, "unpaid"])
@pytest.mark.parametrize("old", [S.NEW, S.AWAITING_PAYMENT])
def test_completed_is_refused_until_the_invoice_is_paid(shop, merchant, invoice, old):
    order = _order(old, invoice=invoice)
    before = _snapshot(order)
    with pytest.raises(InvalidTransition) as refused:
        change_order_status(order, to=S.COMPLETED, actor=merchant)
    assert "Complétée" in str(refused.value) or "Completed" in str(refused.value)
    assert _snapshot(order) == before
    assert order.status == old


def test_completed_refusal_message_is_translated(shop, merchant):
    from django.utils import translation

    order = _order(S.AWAITING_PAYMENT, invoice="unpaid")
    with translation.override("fr"), pytest.raises(InvalidTransition) as refused:
        change_order_status(order, to=S.COMPLETED, actor=merchant)
    assert str(refused.value) == (
        "La commande ne peut pas être « Complétée » tant que sa facture n'est pas payée."
    )


def test_unknown_status_is_refused(shop, merchant):
    order = _order(S.NEW)
    before = _snapshot(order)
    with pytest.raises(InvalidTransition):
        change_order_status(order, to="shipped", actor=merchant)
    assert _snapshot(order) == before


def test_cancel_releases_stock_without_invoice(shop, merchant):
    product = make_product(stock=7)
    order = _order(S.NEW, product=product, quantity=3)
    change_order_status(order, to=S.CANCELLED, actor=merchant)
    product.refresh_from_db()
    assert product.stock == 10
    movement = StockMovement.objects.get()
    assert (movement.product, movement.change, movement.reason, movement.order_number, movement.actor) == (
        product, 3, StockMovement.Reason.RELEASE, order.number, merchant,
    )
    assert CreditNote.objects.count() == 0


@pytest.mark.parametrize("invoice", ["unpaid", "paid"])
def test_cancel_issues_a_credit_note_for_the_invoice(shop, merchant, invoice):
    product = make_product(stock=5)
    order = _order(S.AWAITING_PAYMENT, invoice=invoice, product=product, quantity=2)
    change_order_status(order, to=S.CANCELLED, actor=merchant)
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    note = CreditNote.objects.get()
    assert note.invoice == order.invoice
    assert note.total_amount == -order.invoice.total_amount
    assert Invoice.objects.get(order=order).status == Invoice.Status.CANCELLED
    product.refresh_from_db()
    assert product.stock == 7
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[-2:] == [OrderEvent.Kind.CREDIT_NOTE_ISSUED, OrderEvent.Kind.STATUS_CHANGED]


def test_completed_order_can_be_cancelled_with_credit_note(shop, merchant):
    order = _order(S.COMPLETED, invoice="paid")
    change_order_status(order, to=S.CANCELLED, actor=merchant)
    assert CreditNote.objects.filter(invoice__order=order).count() == 1


def test_caller_instance_sees_the_new_status(shop, merchant):
    order = _order(S.NEW)
    returned = change_order_status(order, to=S.AWAITING_PAYMENT, actor=merchant)
    assert returned is order
    assert order.status == S.AWAITING_PAYMENT
