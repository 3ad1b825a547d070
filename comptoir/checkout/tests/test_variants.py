"""Selling a product by variant: price, snapshot name, stock and movements per variant."""

from decimal import Decimal

import pytest
from django.db import transaction

from comptoir.catalog.models import Product, ProductVariant, StockMovement
from comptoir.checkout.cart import CartError, add_to_cart, cart_items, set_line_quantity
from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import CheckoutError
from comptoir.checkout.testing import place_test_order
from comptoir.core.errors import DomainError, OutOfStock
from comptoir.core.testing import make_product, make_shop, make_variant_product, variant_of
from comptoir.invoicing.credit_notes import CreditSelection, issue_partial_credit_note
from comptoir.invoicing.pdf import render_invoice_pdf
from comptoir.invoicing.services import change_order_status, lock_invoice
from comptoir.invoicing.tests.test_pdf import pdf_text
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order
from comptoir.orders.services import add_order_line, update_order_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee():
    make_shop()
    return make_variant_product(
        name_fr="Café du Plateau", name_en="Plateau coffee", sku="CAF-PLAT",
        options=[("Format", "Size", [("250 g", "250 g"), ("1 kg", "1 kg")]),
                 ("Mouture", "Grind", [("grains", "whole bean"), ("moulu fin", "fine grind")])],
        variants={("250 g", "grains"): ("12.95", 8), ("250 g", "moulu fin"): ("12.95", 8),
                  ("1 kg", "grains"): ("39.95", 5), ("1 kg", "moulu fin"): ("39.95", 5)},
    )


def stocks(product):
    return {variant.label_fr: variant.stock for variant in product.variants.all()}


def test_an_order_of_a_variant_snapshots_its_name_price_and_takes_its_stock(coffee):
    big = variant_of(coffee, "1 kg", "moulu fin")

    order = place_test_order([(big, 2)])

    line = order.lines.get()
    assert (line.product_id, line.variant_id, line.sku) == (coffee.pk, big.pk, big.sku)
    assert line.name_fr == "Café du Plateau — 1 kg, moulu fin"
    assert line.name_en == "Plateau coffee — 1 kg, fine grind"
    assert (line.unit_price_amount, line.line_total_amount) == (Decimal("39.95"), Decimal("79.90"))
    assert order.subtotal_amount == Decimal("79.90")
    assert stocks(coffee) == {"250 g, grains": 8, "250 g, moulu fin": 8, "1 kg, grains": 5,
                              "1 kg, moulu fin": 3}
    movement = StockMovement.objects.get(order_number=order.number)
    assert (movement.product_id, movement.variant_id, movement.change) == (coffee.pk, big.pk, -2)
    invoice = order.invoice
    invoice_line = invoice.lines.get()
    assert invoice_line.variant_id == big.pk
    assert "Café du Plateau — 1 kg, moulu fin" in pdf_text(render_invoice_pdf(invoice))


def test_a_cart_mixing_a_product_and_variants_takes_each_stock(coffee):
    soap = make_product(price_amount=Decimal("10.00"), stock=4)
    small, big = variant_of(coffee, "250 g", "grains"), variant_of(coffee, "1 kg", "grains")

    order = place_test_order([(soap, 1), (small, 3), (big, 1)])

    soap.refresh_from_db()
    assert soap.stock == 3
    assert stocks(coffee)["250 g, grains"] == 5 and stocks(coffee)["1 kg, grains"] == 4
    assert order.subtotal_amount == Decimal("10.00") + 3 * Decimal("12.95") + Decimal("39.95")
    assert StockMovement.objects.filter(order_number=order.number).count() == 3


def test_short_stock_of_a_variant_refuses_the_order_and_changes_nothing(coffee):
    big = variant_of(coffee, "1 kg", "grains")
    before = stocks(coffee)

    with pytest.raises(OutOfStock, match="1 kg, grains"):
        place_test_order([(big, 6)])

    assert stocks(coffee) == before
    assert not Order.objects.exists() and not StockMovement.objects.filter(change__lt=0).exists()


def test_an_inactive_variant_in_a_cart_is_refused(coffee):
    big = variant_of(coffee, "1 kg", "grains")
    ProductVariant.objects.filter(pk=big.pk).update(is_active=False)

    with pytest.raises(CheckoutError) as refused:
        place_test_order([(big, 1)])
    assert refused.value.code == "unavailable"
    assert stocks(coffee)["1 kg, grains"] == 5


def test_the_cart_keeps_one_line_per_variant_and_refuses_a_product_without_its_variant(coffee):
    cart = Cart.objects.create()
    small, big = variant_of(coffee, "250 g", "grains"), variant_of(coffee, "1 kg", "grains")

    add_to_cart(cart, product=coffee, variant=small, quantity=1)
    add_to_cart(cart, product=coffee, variant=big, quantity=2)
    add_to_cart(cart, product=coffee, variant=small, quantity=1)
    with pytest.raises(CartError):
        add_to_cart(cart, product=coffee, quantity=1)
    with pytest.raises(OutOfStock):
        set_line_quantity(cart, product_id=coffee.pk, variant_id=big.pk, quantity=6)

    items = cart_items(cart)
    assert [(item.name, item.quantity, item.unit_price_amount) for item in items] == [
        ("Café du Plateau — 250 g, grains", 2, Decimal("12.95")),
        ("Café du Plateau — 1 kg, grains", 2, Decimal("39.95")),
    ]
    assert CartLine.objects.filter(cart=cart).count() == 2


def test_cancelling_and_refunding_put_the_stock_back_on_the_variant(coffee):
    small, big = variant_of(coffee, "250 g", "grains"), variant_of(coffee, "1 kg", "grains")
    order = place_test_order([(small, 2), (big, 3)])
    invoice = order.invoice
    big_line = invoice.lines.get(variant=big)

    with transaction.atomic():
        issue_partial_credit_note(lock_invoice(invoice), CreditSelection(
            lines={big_line.pk: 1}, restock=frozenset({big_line.pk})), actor=None, order_number=order.number)
    assert stocks(coffee)["1 kg, grains"] == 3
    change_order_status(Order.objects.get(pk=order.pk), to=Order.Status.CANCELLED, actor=None)

    assert stocks(coffee)["250 g, grains"] == 8 and stocks(coffee)["1 kg, grains"] == 5
    assert StockMovement.objects.filter(variant=big, change__gt=0).count() == 2


def test_order_editing_adds_and_changes_variant_lines(coffee):
    small, big = variant_of(coffee, "250 g", "grains"), variant_of(coffee, "1 kg", "grains")
    soap = make_product(price_amount=Decimal("10.00"), stock=4)
    ShopSettings.objects.update(order_details_only=True)
    order = place_test_order([(soap, 1)], payment_method="")

    with pytest.raises(DomainError) as refused:
        add_order_line(order, product=coffee, quantity=1, actor=None)
    assert refused.value.code == "variant"
    line = add_order_line(order, product=coffee, variant=big, quantity=2, actor=None)
    assert (line.variant_id, line.name_fr, line.unit_price_amount) == (
        big.pk, "Café du Plateau — 1 kg, grains", Decimal("39.95"))
    small_line = add_order_line(order, product=coffee, variant=small, quantity=1, actor=None)
    update_order_lines(order, changes={line.pk: (1, line.unit_price_amount),
                                       small_line.pk: (3, small_line.unit_price_amount)}, actor=None)

    assert stocks(coffee)["1 kg, grains"] == 4 and stocks(coffee)["250 g, grains"] == 5
    soap.refresh_from_db()
    assert soap.stock == 3


def test_a_product_without_options_is_sold_as_before():
    make_shop()
    soap = make_product(price_amount=Decimal("10.00"), stock=4)

    order = place_test_order([(soap, 2)])

    assert Product.objects.get(pk=soap.pk).stock == 2 and not soap.has_variants
    assert order.lines.get().variant_id is None
    assert StockMovement.objects.get(order_number=order.number).variant_id is None
