"""The tax report counts zero-rated groceries with their share of the delivery, and discounts."""

import datetime
from decimal import Decimal

import pytest

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.promotions.models import Promotion
from comptoir.reports.periods import Period
from comptoir.reports.selectors import document_rows, tax_report
from comptoir.reports.testing import at
from comptoir.taxes.models import TaxStatus

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def test_zero_rated_syrup_and_taxable_soap_with_a_discount_in_the_report():
    make_delivery_methods()
    make_shop()
    syrup = make_product(price_amount=D("30.00"), tax_status=TaxStatus.ZERO_RATED)
    soap = make_product(price_amount=D("10.00"))
    honey = make_product(price_amount=D("15.00"), tax_status=TaxStatus.EXEMPT)
    Promotion.objects.create(name="Dix", code="DIX", kind="amount", value=D("10.00"))
    with at("2026-03-10 10:00"):
        place_test_order([(syrup, 1), (soap, 1)])  # 13.00 taxable, 39.00 zero-rated
        place_test_order([(syrup, 1), (soap, 1)], promo_code="DIX")  # 10.50 taxable, 31.50 zero-rated
        place_test_order([(honey, 1)], delivery_kind="pickup")  # 15.00 exempt
    report = tax_report(MARCH)
    assert (report.taxable_amount, report.zero_rated_amount, report.exempt_amount) == (
        D("23.50"), D("70.50"), D("15.00"))
    assert report.total_supplies_amount == D("94.00")
    assert (report.gst_amount, report.qst_amount) == (D("0.65") + D("0.53"), D("1.30") + D("1.05"))
    assert sum((row.zero_rated_amount for row in document_rows(MARCH)), D(0)) == D("70.50")
