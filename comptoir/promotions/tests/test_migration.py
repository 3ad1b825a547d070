"""The migrations that bring tax statuses and discounts leave existing orders and invoices as
they were: same totals, lines not taxable become zero-rated, the others stay taxable."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from comptoir.catalog.models import Product
from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        "orders": list(Order.objects.order_by("pk").values_list(
            "subtotal_amount", "shipping_amount", "insurance_amount", "tax_total", "total_amount")),
        "invoices": list(Invoice.objects.order_by("pk").values_list(
            "subtotal_amount", "shipping_amount", "tax_total", "total_amount")),
        "order_lines": list(OrderLine.objects.order_by("pk").values_list("line_total_amount", "tax_status")),
        "invoice_lines": list(InvoiceLine.objects.order_by("pk").values_list("amount", "tax_status")),
        "products": list(Product.objects.order_by("pk").values_list("price_amount", "tax_status")),
    }


def test_existing_orders_and_invoices_keep_their_totals_through_the_migrations():
    make_delivery_methods()
    make_shop()
    bread = make_product(price_amount=Decimal("4.50"), is_taxable=False, stock=20)
    soap = make_product(price_amount=Decimal("10.00"), stock=20)
    place_test_order([(soap, 2)])
    place_test_order([(bread, 2), (soap, 1)])
    only_bread = place_test_order([(bread, 3)])
    before = snapshot()
    assert before["products"] == [(Decimal("4.50"), "zero_rated"), (Decimal("10.00"), "taxable")]

    # Back to the schema of before (a boolean « taxable », no discounts, no promotions) …
    before_migrations = (("catalog", "0005"), ("orders", "0008"), ("invoicing", "0008"), ("checkout", "0001"))
    for app, migration in before_migrations:
        call_command("migrate", app, migration, verbosity=0)
    # … and forward again, as a shop upgrading does.
    call_command("migrate", verbosity=0)

    assert snapshot() == before
    invoice = Invoice.objects.get(order=only_bread)
    # An invoice of zero-rated goods only: its delivery went with them.
    assert invoice.zero_rated_amount == Decimal("13.50") + invoice.shipping_amount
    assert Order.objects.filter(discount_amount=0, shipping_discount_amount=0).count() == 3
