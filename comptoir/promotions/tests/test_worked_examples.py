"""The worked examples of the issue and of QUEBEC.md, through the real checkout."""

from decimal import Decimal

import pytest

from comptoir.checkout.testing import place_test_order
from comptoir.core.money import allocate
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.promotions.models import Promotion, PromotionUsage
from comptoir.taxes.models import TaxStatus
from comptoir.taxes.services import TaxedGoods, compute_line_taxes, split_fees

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def shop():
    make_delivery_methods()  # home delivery: 12.00 (free from 150.00)
    return make_shop()


def taxes_of(order):
    return {tax.code: tax.amount for tax in order.taxes.all()}


def syrup_and_soap():
    syrup = make_product(name_fr="Sirop d'érable", price_amount=D("30.00"), tax_status=TaxStatus.ZERO_RATED)
    soap = make_product(name_fr="Savon", price_amount=D("10.00"))
    return syrup, soap


def test_zero_rated_syrup_and_taxable_soap_tax_a_quarter_of_the_delivery():
    syrup, soap = syrup_and_soap()
    order = place_test_order([(syrup, 1), (soap, 1)])
    assert (order.subtotal_amount, order.shipping_amount) == (D("40.00"), D("12.00"))
    assert taxes_of(order) == {"GST": D("0.65"), "QST": D("1.30")}
    assert order.total_amount == D("53.95")
    assert [line.tax_status for line in order.invoice.lines.all()] == ["zero_rated", "taxable"]


def test_the_taxable_base_is_ten_plus_three():
    result = compute_line_taxes([TaxedGoods(D("30.00"), TaxStatus.ZERO_RATED), TaxedGoods(D("10.00"))],
                                fees=D("12.00"), province="QC")
    assert (result.taxable_amount, result.zero_rated_amount, result.exempt_amount) == (
        D("13.00"), D("39.00"), D(0))
    assert [line.amount for line in result.lines] == [D("0.65"), D("1.30")]


def test_an_order_all_zero_rated_has_its_delivery_zero_rated():
    syrup, _soap = syrup_and_soap()
    order = place_test_order([(syrup, 2)])
    assert taxes_of(order) == {} and order.total_amount == D("72.00")


def test_exempt_goods_take_their_share_of_the_fee_untaxed():
    parts = split_fees(D("10.00"), [TaxedGoods(D("10.00")), TaxedGoods(D("10.00"), TaxStatus.EXEMPT),
                                    TaxedGoods(D("10.00"), TaxStatus.ZERO_RATED)])
    assert parts == {"taxable": D("3.34"), "zero_rated": D("3.33"), "exempt": D("3.33")}


def test_twenty_percent_off_100_dollars_shipped_in_quebec():
    Promotion.objects.create(name="Vingt pour cent", code="VINGT", kind="percent", value=D("20"))
    order = place_test_order([(make_product(price_amount=D("100.00")), 1)], promo_code="vingt")
    assert (order.subtotal_amount, order.discount_amount, order.shipping_amount) == (D("80.00"), D("20.00"),
                                                                                      D("12.00"))
    assert taxes_of(order) == {"GST": D("4.60"), "QST": D("9.18")}  # on 92.00
    assert order.total_amount == D("105.78")
    assert order.invoice.discount_amount == D("20.00") and order.invoice.total_amount == D("105.78")
    usage = PromotionUsage.objects.get()
    assert (usage.order, usage.email, usage.discount_amount) == (
        order, "marie.tremblay@example.test", D("20.00"))


def test_ten_dollar_code_on_taxable_and_zero_rated_goods_splits_the_discount_proportionally():
    Promotion.objects.create(name="Dix dollars", code="DIX", kind="amount", value=D("10.00"))
    syrup, soap = syrup_and_soap()
    order = place_test_order([(syrup, 1), (soap, 1)], promo_code="DIX")
    lines = list(order.lines.all())
    # 10.00 over 30.00 and 10.00: 7.50 off the syrup, 2.50 off the soap.
    assert [(line.discount_amount, line.line_total_amount) for line in lines] == [
        (D("7.50"), D("22.50")), (D("2.50"), D("7.50"))]
    # Fee 12.00 split 22.50 : 7.50 → 3.00 taxable; base 7.50 + 3.00 = 10.50.
    assert taxes_of(order) == {"GST": D("0.53"), "QST": D("1.05")}
    assert order.total_amount == D("30.00") + D("12.00") + D("1.58")


def test_free_delivery_removes_the_fee_from_the_taxable_base():
    Promotion.objects.create(name="Livraison offerte", code="LIVRAISON", kind="free_delivery")
    order = place_test_order([(make_product(price_amount=D("100.00")), 1)], promo_code="Livraison")
    assert (order.shipping_amount, order.shipping_discount_amount) == (D("0.00"), D("12.00"))
    assert taxes_of(order) == {"GST": D("5.00"), "QST": D("9.98")}
    assert order.total_amount == D("114.98")


def test_the_parts_of_an_order_discount_add_up_to_the_cent():
    assert allocate(D("10.00"), [D("1"), D("1"), D("1")]) == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("0.05"), [D("30"), D("10")]) == [D("0.04"), D("0.01")]
    assert sum(allocate(D("7.77"), [D("3.10"), D("0.01"), D("99.99"), D("5")])) == D("7.77")


def test_a_category_promotion_takes_off_only_its_products():
    syrup, soap = syrup_and_soap()
    promotion = Promotion.objects.create(name="Érable", kind="percent", value=D("10"))  # automatic
    promotion.categories.add(syrup.category)
    order = place_test_order([(syrup, 1), (soap, 1)])
    assert [line.discount_amount for line in order.lines.all()] == [D("3.00"), D("0.00")]
    assert order.discount_label == "Érable"


def test_non_combinable_promotions_the_best_single_one_wins():
    Promotion.objects.create(name="Cinq dollars", kind="amount", value=D("5.00"))  # automatic
    Promotion.objects.create(name="Quinze pour cent", code="QUINZE", kind="percent", value=D("15"))
    order = place_test_order([(make_product(price_amount=D("100.00")), 1)], promo_code="QUINZE")
    assert order.discount_amount == D("15.00") and order.discount_label == "QUINZE — Quinze pour cent"
    assert PromotionUsage.objects.get().promotion.code == "QUINZE"


def test_combinable_promotions_add_up():
    Promotion.objects.create(name="Cinq dollars", kind="amount", value=D("5.00"), combinable=True)
    Promotion.objects.create(name="Dix pour cent", code="DIXPC", kind="percent", value=D("10"),
                             combinable=True)
    order = place_test_order([(make_product(price_amount=D("100.00")), 1)], promo_code="DIXPC")
    assert order.discount_amount == D("15.00") and PromotionUsage.objects.count() == 2
