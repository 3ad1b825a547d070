"""The figures of « Clients » kept on the customer row by the services (orders, total spent, last
order, balance owed) equal the figures computed from the orders and invoices, after every kind of
change; and under concurrent orders and payments of one customer (PostgreSQL)."""

import uuid
from decimal import Decimal

import pytest

from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import place_order
from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, run_together
from comptoir.customers.models import Customer
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.customer_figures import rebuild_customer_figures
from comptoir.invoicing.services import change_order_status, issue_credit_note
from comptoir.orders.services import update_order_line
from comptoir.payments.corrections import correct_update_line
from comptoir.payments.services import record_payment, reverse_payment
from comptoir.paypal.refunds import refund_order

D = Decimal


def figures(email: str) -> tuple:
    customer = Customer.objects.get(email=email)
    return customer.order_count, customer.total_spent, customer.last_order_at, customer.balance_owed


def kept_figures_are_exact() -> None:
    """The figures kept by the services, then computed again from the documents: the same."""
    kept = {c.pk: (c.order_count, c.total_spent, c.last_order_at, c.balance_owed)
            for c in Customer.objects.all()}
    rebuild_customer_figures()
    rebuilt = {c.pk: (c.order_count, c.total_spent, c.last_order_at, c.balance_owed)
               for c in Customer.objects.all()}
    assert kept == rebuilt


@pytest.mark.django_db
def test_each_service_keeps_the_figures_of_the_customer():
    make_shop()
    coffee = make_product(price_amount=D("100.00"), stock=50)
    mug = make_product(price_amount=D("40.00"), stock=50)
    marie = "marie.tremblay@example.test"
    first = place_test_order([(coffee, 1)])  # (100 + 12) × 1.14975 = 128.77
    assert figures(marie) == (1, D("128.77"), first.placed_at, D("128.77"))
    second = place_test_order([(coffee, 1), (mug, 1)])  # 140 + 12 → 174.76
    assert figures(marie) == (2, D("303.53"), second.placed_at, D("303.53"))
    kept_figures_are_exact()

    record_payment(first.invoice, method="cheque", amount=D("28.77"))  # partial
    assert figures(marie)[3] == D("274.76")
    payment = record_payment(first.invoice, method="cheque", amount=D("100.00"))  # paid
    assert figures(marie)[3] == D("174.76")
    reverse_payment(payment, reason="Chèque sans provision", actor=None)  # owed again
    assert figures(marie)[3] == D("274.76")
    kept_figures_are_exact()

    # A partial credit note (the mug: 40 + GST 2.00 + QST 3.99 = 45.99) lowers the balance, not the spent.
    mug_line = second.invoice.lines.get(sku=mug.sku)
    refund_order(second, CreditSelection(lines={mug_line.pk: 1}), actor=None, reason="Tasse cassée")
    assert figures(marie) == (2, D("303.53"), second.placed_at, D("228.77"))
    kept_figures_are_exact()

    # A correction after the invoice: a new invoice for the new total.
    third = place_test_order([(coffee, 1)])
    correct_update_line(third.lines.get(), quantity=2, unit_price_amount=D("100.00"), actor=None)
    third.refresh_from_db()
    kept_figures_are_exact()
    assert figures(marie)[:3] == (3, D("303.53") + third.total_amount, third.placed_at)

    # Cancelling an invoiced order: out of the orders and the spent; its balance is credited.
    change_order_status(second, to="cancelled", actor=None)
    kept_figures_are_exact()
    assert figures(marie)[:2] == (2, D("128.77") + third.total_amount)

    # An order without invoice edited before it is invoiced, then cancelled.
    luc = "luc@example.test"
    loose = make_order([(mug, 1)], email=luc)  # no invoice yet
    update_order_line(loose.lines.get(), quantity=3, unit_price_amount=D("40.00"), actor=None)
    loose.refresh_from_db()
    assert figures(luc) == (1, loose.total_amount, loose.placed_at, D("0.00"))
    change_order_status(loose, to="cancelled", actor=None)
    assert figures(luc) == (0, D("0.00"), loose.placed_at, D("0.00"))
    kept_figures_are_exact()

    # A full credit note of the last invoice, and a later checkout that saves the customer
    # again with their new addresses: the figures are not undone by that save.
    issue_credit_note(first.invoice, reason="Retour")
    place_test_order([(mug, 1)])
    kept_figures_are_exact()


@pytest.mark.django_db
def test_saving_a_customer_read_earlier_does_not_undo_the_figures():
    make_shop()
    order = place_test_order([(make_product(price_amount=D("10.00"), stock=5), 1)])
    stale = Customer.objects.get(pk=order.customer_id)
    place_test_order([(make_product(price_amount=D("20.00"), stock=5), 1)])
    stale.phone = "418 555-0100"
    stale.save()
    customer = Customer.objects.get(pk=order.customer_id)
    assert (customer.phone, customer.order_count) == ("418 555-0100", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_and_payments_of_one_customer_keep_exact_figures():
    make_shop()
    methods = make_delivery_methods()
    product = make_product(price_amount=D("10.00"), stock=100)
    earlier = [place_test_order([(product, 1)]) for _i in range(4)]
    carts = []
    for _i in range(4):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)

    def work(index):
        if index < 4:
            return place_order(
                carts[index], email="marie.tremblay@example.test", phone="514 555-0199",
                billing_address=checkout_address(), shipping_address=checkout_address(),
                delivery_method=methods["shipped"], payment_method="cheque", language="fr",
                checkout_token=uuid.uuid4().hex,
            )
        invoice = earlier[index - 4].invoice
        return record_payment(invoice, method="cheque", amount=invoice.total_amount)

    outcomes = run_together(8, work)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    customer = Customer.objects.get(email="marie.tremblay@example.test")
    # 8 orders of (10 + 12) × 1.14975 = 25.29; the 4 earlier ones paid.
    assert (customer.order_count, customer.total_spent, customer.balance_owed) == (
        8, D("202.32"), D("101.16"))
    kept_figures_are_exact()
