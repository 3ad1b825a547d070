"""Home page figures: daily summaries agree with the orders; the low-stock alert once a day."""

import datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import Product
from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, make_variant_product
from comptoir.invoicing.services import change_order_status
from comptoir.notifications.models import Notification
from comptoir.reports import insight
from comptoir.reports.models import DailySales, SummaryDay
from comptoir.reports.services import send_low_stock_alert
from comptoir.reports.summaries import rebuild_daily_sales
from comptoir.reports.testing import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def sales(db):
    make_delivery_methods()
    make_shop(cash_on_delivery_enabled=True)
    coffee = make_product(name_fr="Café", name_en="Coffee", price_amount=D("100.00"), stock=50)
    jam = make_product(name_fr="Confiture", name_en="Jam", price_amount=D("8.50"), stock=50)
    with at("2026-03-01 10:00"):
        place_test_order([(coffee, 1)])  # 100 + 12 delivery
    with at("2026-03-01 15:00"):
        place_test_order([(jam, 2)], delivery_kind="pickup", payment_method="cod")  # 17
    with at("2026-03-01 16:00"):
        cancelled = place_test_order([(coffee, 2)])
        change_order_status(cancelled, to="cancelled", actor=None)
    with at("2025-03-01 11:00"):  # the same day a year before
        place_test_order([(jam, 1)], delivery_kind="pickup")  # 8.50
    with at("2026-03-02 09:00"):  # today
        place_test_order([(jam, 4)], delivery_kind="pickup")  # 34
    return {"coffee": coffee, "jam": jam}


def figures(today):
    result = insight.performance(today, language="fr")
    return result, {day["day"]: (day["orders"], day["sales"]) for day in result.days}


def test_the_summary_of_a_day_gives_the_same_figures_as_the_orders(sales):
    today = datetime.date(2026, 3, 2)
    live, live_days = figures(today)
    with at("2026-03-02 09:30"):
        assert rebuild_daily_sales(datetime.date(2026, 3, 1)) == 2
        rebuild_daily_sales(datetime.date(2025, 3, 1))
    summarised, summarised_days = figures(today)
    assert SummaryDay.objects.count() == 2 and DailySales.objects.count() == 3
    assert live_days == summarised_days
    assert summarised_days[datetime.date(2026, 3, 1)] == (2, D("129.00"))  # cancelled order left out
    assert summarised_days[today] == (1, D("34.00"))
    assert (summarised.order_count, summarised.sales_amount) == (3, D("163.00"))
    assert (summarised.last_year_order_count, summarised.last_year_sales_amount) == (1, D("8.50"))
    assert summarised.average_order_amount == D("54.33")
    assert [(p["name"], p["quantity"], p["amount"]) for p in summarised.top_products] == [
        ("Café", 1, D("100.00")), ("Confiture", 6, D("51.00"))]
    assert summarised.top_products == live.top_products
    assert [(s["key"], s["count"], s["percent"]) for s in summarised.payment_shares] == [
        ("cheque", 2, 67), ("cod", 1, 33)]
    assert [(s["key"], s["count"]) for s in summarised.delivery_shares] == [
        ("Cueillette en magasin", 2), ("Livraison à domicile", 1)]


def test_the_low_stock_alert_is_queued_once_a_day(sales, django_capture_on_commit_callbacks):
    shop = make_shop(alert_low_stock="both", alert_mobile="+15145550142", low_stock_threshold=5)
    # Its own threshold: 49 left (the cancelled order gave its 2 back).
    Product.objects.filter(pk=sales["coffee"].pk).update(low_stock_threshold=49)
    with at("2026-03-02 07:00") as now:
        first = send_low_stock_alert(now)
        again = send_low_stock_alert(now)
    assert [m.channel for m in first] == ["email", "sms"]
    assert [m.pk for m in again] == [m.pk for m in first]
    assert Notification.objects.filter(template="low_stock").count() == 2
    email = Notification.objects.get(template="low_stock", channel="email")
    assert email.recipient == shop.alert_email and "Café" in email.body_text
    assert "Confiture" not in email.body_text  # 43 left, above the shop's threshold of 5
    with at("2026-03-03 07:00") as tomorrow:
        send_low_stock_alert(tomorrow)
    assert Notification.objects.filter(template="low_stock").count() == 4


def test_no_alert_when_the_setting_is_off_or_nothing_is_low(sales):
    make_shop(alert_low_stock="none")
    with at("2026-03-02 07:00") as now:
        assert send_low_stock_alert(now) == []
    make_shop(alert_low_stock="email", low_stock_threshold=0)
    with at("2026-03-02 07:00") as now:
        assert send_low_stock_alert(now) == []
    assert not Notification.objects.filter(template="low_stock").exists()


def test_low_stock_counts_variants_not_their_product():
    shop = make_shop(low_stock_threshold=3)
    coffee = make_variant_product(name_fr="Café du Plateau",
                                  variants={("250 g",): ("12.95", 2), ("1 kg",): ("39.95", 9)})
    Product.objects.filter(pk=coffee.pk).update(stock=0)  # not sold from: never listed

    assert [(item.name_fr, item.stock) for item in insight.low_stock_items(shop, 10)] == [
        ("Café du Plateau — 250 g", 2)]
    assert insight.todo(shop).low_stock_count == 1
