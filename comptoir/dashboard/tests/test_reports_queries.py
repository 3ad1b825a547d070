"""The home page, the tax report and the sorted customer list run the same number of queries
whatever the amount of data; the customer figures are right; the news consent is recorded at
checkout and exported alone."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.testing import make_product
from comptoir.customers.models import Customer
from comptoir.invoicing.services import change_order_status
from comptoir.notifications.models import Notification
from comptoir.payments.services import record_payment
from comptoir.reports.models import ReportExport
from comptoir.reports.summaries import rebuild_daily_sales
from comptoir.reports.tasks import produce_export

from .test_query_counts import add_orders, count_queries, template  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
D = Decimal
WORDING = "J'accepte de recevoir les nouvelles de la boutique par courriel"


def test_home_page(staff_client, template):  # noqa: F811
    url = reverse("dashboard:home")
    add_orders(template, 5, start=10_000)
    small = count_queries(staff_client, url)
    add_orders(template, 80, start=20_000)
    Notification.objects.create(channel="email", template="new_order", recipient="a@example.test",
                                language="fr", status="failed", dedupe_key="x")
    for _i in range(12):
        make_product(stock=1)
    rebuild_daily_sales(timezone.localdate() - timezone.timedelta(days=3))
    assert count_queries(staff_client, url) == small


@pytest.mark.parametrize("key", ["sales", "GST", "QST"])
def test_tax_report_and_its_documents(staff_client, template, key):  # noqa: F811
    today = timezone.localdate()
    params = {"du": today.replace(day=1).isoformat(), "au": today.isoformat()}
    add_orders(template, 4, start=10_000)
    report = count_queries(staff_client, reverse("dashboard:tax_report"), **params)
    documents = count_queries(staff_client, reverse("dashboard:tax_report_documents", args=[key]), **params)
    add_orders(template, 60, start=20_000)
    assert count_queries(staff_client, reverse("dashboard:tax_report"), **params) == report
    assert count_queries(
        staff_client, reverse("dashboard:tax_report_documents", args=[key]), **params) == documents


@pytest.mark.parametrize("sort", ["-spent", "orders", "-last", "balance", "-balance"])
def test_sorted_customer_list(staff_client, template, sort):  # noqa: F811
    url = reverse("dashboard:customer_list")
    add_orders(template, 5, start=10_000)
    small = count_queries(staff_client, url, tri=sort)
    add_orders(template, 80, start=20_000)
    assert count_queries(staff_client, url, tri=sort) == small


def test_customer_figures_and_sorting(staff_client, shop):
    coffee = make_product(price_amount=D("100.00"), stock=20)
    marie = [place_test_order([(coffee, 1)]) for _i in range(2)]  # 2 × (100 + 12) × 1.14975
    record_payment(marie[0].invoice, method="cheque", amount=D("50.00"))
    luc = place_test_order([(coffee, 2)], email="luc@example.test")  # 200, free delivery
    change_order_status(place_test_order([(coffee, 1)], email="luc@example.test"), to="cancelled", actor=None)
    page = staff_client.get(reverse("dashboard:customer_list"), {"tri": "-spent"}).context["customers"]
    rows = [(c.email, c.order_count, c.total_spent, c.balance_owed) for c in page]
    assert rows == [
        ("marie.tremblay@example.test", 2, D("257.54"), D("207.54")),  # 128.77 × 2, 50 paid
        ("luc@example.test", 1, D("229.95"), D("229.95")),
    ]
    assert rows[1][2] == luc.total_amount
    ascending = staff_client.get(reverse("dashboard:customer_list"), {"tri": "balance"}).context["customers"]
    assert [c.email for c in ascending] == ["marie.tremblay@example.test", "luc@example.test"]
    html = staff_client.get(reverse("dashboard:customer_list"), {"tri": "balance"}).content.decode()
    assert 'aria-sort="ascending"' in html and "?tri=-balance" in html


def test_news_consent_is_recorded_at_checkout_and_only_consenting_customers_are_exported(
        client, staff_client, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coffee = make_product(price_amount=D("10.00"), stock=20)
    place_test_order([(coffee, 1)], email="sans.consentement@example.test")
    order = place_test_order([(coffee, 1)], email="elise.cote@example.test",
                             billing_address=checkout_address(first_name="Élise", last_name="Côté"),
                             news_consent_wording=WORDING)
    customer = Customer.objects.get(pk=order.customer_id)
    assert customer.news_consent_at is not None
    staff_client.post(reverse("dashboard:export_news_customers"))
    export = ReportExport.objects.get()
    assert produce_export(export.pk) == "done"
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Courriel", "Prénom", "Nom", "Langue", "Consentement le", "Libellé accepté"]
    assert [row[:3] + row[5:] for row in rows[1:]] == [[
        "elise.cote@example.test", "Élise", "Côté",
        WORDING]]
