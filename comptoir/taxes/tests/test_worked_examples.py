"""The worked examples of QUEBEC.md, through the same pricing as checkout."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.money import quantize
from comptoir.core.testing import make_delivery_methods, make_shop
from comptoir.orders.pricing import PricedLine, price_order
from comptoir.shipping.models import DeliveryMethod
from comptoir.taxes.services import compute_taxes

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


@pytest.fixture
def free_shipping():
    return DeliveryMethod.objects.create(code="gratuite", kind="shipped", name_fr="Livraison gratuite")


def taxes_of(quote):
    return [(line.code, line.rate, line.amount) for line in quote.taxes.lines]


def test_100_dollars_shipped_in_quebec(shop, free_shipping):
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)],
        delivery_method=free_shipping,
        shop=shop,
        destination_province="QC",
    )
    assert taxes_of(quote) == [
        ("GST", Decimal("5"), Decimal("5.00")),
        ("QST", Decimal("9.975"), Decimal("9.98")),
    ]
    assert quote.total_amount == Decimal("114.98")


def test_ontario_destination_pays_hst_and_no_qst(shop, free_shipping):
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)],
        delivery_method=free_shipping,
        shop=shop,
        destination_province="ON",
    )
    assert taxes_of(quote) == [("HST", Decimal("13"), Decimal("13.00"))]
    assert quote.total_amount == Decimal("113.00")


def test_pickup_by_an_ontario_customer_pays_the_store_province_taxes(shop):
    pickup = make_delivery_methods()["pickup"]
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)], delivery_method=pickup, shop=shop, destination_province="ON"
    )
    assert quote.tax_province == "QC"
    assert [code for code, _rate, _amount in taxes_of(quote)] == ["GST", "QST"]
    assert quote.total_amount == Decimal("114.98")


def test_shipping_fee_is_taxed_like_the_goods(shop):
    shipped = make_delivery_methods()["shipped"]  # 12.00, free from 150.00
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)], delivery_method=shipped, shop=shop, destination_province="QC"
    )
    assert quote.taxes.taxable_amount == Decimal("112.00")
    assert taxes_of(quote) == [
        ("GST", Decimal("5"), Decimal("5.60")),
        ("QST", Decimal("9.975"), Decimal("11.17")),
    ]


@pytest.mark.parametrize(
    ("day", "rate", "amount"),
    [
        (datetime.date(2025, 3, 31), Decimal("15"), Decimal("15.00")),
        (datetime.date(2025, 4, 1), Decimal("14"), Decimal("14.00")),
    ],
)
def test_nova_scotia_hst_changed_on_2025_04_01(day, rate, amount):
    result = compute_taxes(Decimal("100.00"), province="NS", on_date=day)
    assert [(line.code, line.rate, line.amount) for line in result.lines] == [("HST", rate, amount)]


def test_unregistered_merchant_charges_no_tax(free_shipping):
    shop = make_shop(is_tax_registered=False, gst_number="", qst_number="")
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)],
        delivery_method=free_shipping,
        shop=shop,
        destination_province="QC",
    )
    assert quote.taxes.lines == ()
    assert quote.total_amount == Decimal("100.00")


def test_provincial_sales_tax_only_where_the_merchant_is_registered():
    assert [line.code for line in compute_taxes(Decimal("100"), province="BC").lines] == ["GST"]
    registered = compute_taxes(Decimal("100"), province="BC", pst_provinces=["BC"])
    assert [(line.code, line.amount) for line in registered.lines] == [
        ("GST", Decimal("5.00")),
        ("PST", Decimal("7.00")),
    ]


def test_export_outside_canada_has_no_tax(shop, free_shipping):
    quote = price_order(
        [PricedLine(Decimal("100.00"), 1)],
        delivery_method=free_shipping,
        shop=shop,
        destination_province=None,
        destination_country="US",
    )
    assert quote.taxes.lines == () and quote.total_amount == Decimal("100.00")


def test_untaxable_goods_carry_no_tax_on_their_fees(shop):
    shipped = make_delivery_methods()["shipped"]
    quote = price_order(
        [PricedLine(Decimal("20.00"), 2, is_taxable=False)],
        delivery_method=shipped,
        shop=shop,
        destination_province="QC",
    )
    assert quote.taxes.lines == () and quote.total_amount == Decimal("52.00")


def test_half_a_cent_rounds_up():
    # 0.10 × 5 % = 0.005 → 0.01; 0.10 × 9.975 % = 0.009975 → 0.01
    result = compute_taxes(Decimal("0.10"), province="QC")
    assert [line.amount for line in result.lines] == [Decimal("0.01"), Decimal("0.01")]


@given(
    cents=st.integers(min_value=1, max_value=10**9),
    province=st.sampled_from(["QC", "ON", "NS", "NB", "BC", "AB", "MB", "SK"]),
)
def test_each_tax_is_the_exact_amount_rounded_half_up_once(cents, province):
    taxable = Decimal(cents) / 100
    result = compute_taxes(taxable, province=province, on_date=datetime.date(2026, 1, 1))
    assert result.lines
    for line in result.lines:
        exact = taxable * line.rate / 100
        assert line.amount == quantize(exact)
        assert abs(line.amount - exact) <= Decimal("0.005")
        assert line.amount.as_tuple().exponent == -2
    assert result.total == sum(line.amount for line in result.lines)
