"""The back-office benchmark's bulk seeding writes orders shaped like real ones."""

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.core.models import Sequence
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import Order, OrderLine, OrderTax
from comptoir.payments.models import Payment

pytestmark = pytest.mark.django_db
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))


@pytest.fixture
def seed(monkeypatch):
    import seed as seed_module

    monkeypatch.setattr(seed_module, "CUSTOMERS", 40)
    monkeypatch.setattr(seed_module, "BATCH", 25)
    make_shop()
    make_delivery_methods()
    for price in ("4.95", "12.50", "32.00", "78.00"):
        make_product(price_amount=Decimal(price))
    return seed_module


def test_seeded_orders_are_consistent_and_numbered_like_real_ones(seed):
    seed.seed_orders(60)
    seed.seed_orders(15)  # a second call continues the numbering

    orders = list(Order.objects.prefetch_related("lines", "taxes"))
    assert len(orders) == 75
    assert sorted(o.number for o in orders) == list(range(1001, 1076))
    assert Sequence.objects.get(name="order").last_value == 1075
    for order in orders:
        assert order.subtotal_amount == sum(line.line_total_amount for line in order.lines.all())
        assert order.tax_total == sum(tax.amount for tax in order.taxes.all())
        assert order.total_amount == order.subtotal_amount + order.shipping_amount + order.tax_total
        assert (order.shipping_address_id is None) == (order.delivery_kind == "pickup")
    invoices = Invoice.objects.select_related("order")
    assert sorted(i.number for i in invoices) == list(range(1, invoices.count() + 1))
    assert all(i.order.payment_method and i.total_amount == i.order.total_amount for i in invoices)
    paid = invoices.filter(status=Invoice.Status.PAID)
    assert all(i.order.status == Order.Status.COMPLETED for i in paid)
    assert Payment.objects.count() == paid.count()
    assert OrderLine.objects.count() >= 75 and OrderTax.objects.count() == 150


def test_seeded_orders_sell_variants_at_their_price(seed):
    from comptoir.core.testing import make_variant_product

    coffee = make_variant_product(name_fr="Café du Plateau")
    seed.seed_orders(60)

    lines = OrderLine.objects.filter(variant__isnull=False).select_related("variant")
    assert lines.exists()
    for line in lines:
        assert (line.product_id, line.sku, line.unit_price_amount) == (
            coffee.pk, line.variant.sku, line.variant.price_amount)
        assert line.name_fr.startswith("Café du Plateau — ")
    assert not OrderLine.objects.filter(product=coffee, variant__isnull=True).exists()
