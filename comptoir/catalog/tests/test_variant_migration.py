"""The variant migrations leave the existing catalogue, orders, invoices and credit notes as they
were: the demo shop's totals are the same before and after, and a product without options sells
exactly as before."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.catalog.models import Product, StockMovement
from comptoir.checkout.testing import place_test_order
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.merchant.demo.loader import load_demo_data
from comptoir.orders.models import Order, OrderLine

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_tax_rates")]

BEFORE_VARIANTS = [("catalog", "0005_stock_movement_product_protect"), ("checkout", "0001_initial"),
                   ("orders", "0008_orderevent_kinds"), ("invoicing", "0008_closed_periods")]


@pytest.fixture
def seeded_tax_rates(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("comptoir.taxes.migrations.0002_seed_rates").seed(apps, None)


def figures() -> dict:
    """What the merchant's books and catalogue say, read without the new columns."""
    return {
        "orders": sorted(Order.objects.values_list(
            "number", "subtotal_amount", "shipping_amount", "insurance_amount", "tax_total", "total_amount")),
        "lines": sorted(OrderLine.objects.values_list(
            "order__number", "sku", "name_fr", "unit_price_amount", "quantity", "line_total_amount")),
        "invoices": sorted(Invoice.objects.values_list("number", "status", "total_amount", "paid_amount",
                                                       "credited_amount")),
        "credit_notes": sorted(CreditNote.objects.values_list("number", "total_amount")),
        "products": sorted(Product.objects.values_list("sku", "price_amount", "stock")),
        "movements": StockMovement.objects.filter(variant__isnull=True).count(),
    }


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_the_migrations_keep_every_total_and_a_simple_product_sells_as_before():
    # The demo's products sold by variant are made after the migrations: the data that existed
    # before them is the rest.
    load_demo_data()
    Product.objects.filter(has_variants=True).delete()
    before = figures()
    assert before["orders"] and before["invoices"]
    for _number, subtotal, shipping, insurance, taxes, total in before["orders"]:
        assert total == subtotal + shipping + insurance + taxes

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE_VARIANTS)
        with connection.cursor() as cursor:
            columns = [column.name for column in connection.introspection.get_table_description(
                cursor, "orders_orderline")]
        assert "variant_id" not in columns
    finally:
        migrate(leaves)

    assert figures() == before
    assert not OrderLine.objects.filter(variant__isnull=False).exists()
    coffee = Product.objects.get(sku="CAF-002")
    order = place_test_order([(coffee, 2)])
    coffee.refresh_from_db()
    assert order.subtotal_amount == 2 * coffee.price_amount == Decimal("35.90")
    assert coffee.stock == dict((sku, stock) for sku, _price, stock in before["products"])["CAF-002"] - 2
