"""Daily summaries of the sales, so the home page reads 30 small rows per day instead of every
order of the last 30 days (and of the same days last year).

``rebuild_daily_sales(day)`` replaces the rows of one day that is over (shop time zone) from the
orders and their lines, cancelled orders left out, and the day's tax report figures from its
invoices and credit notes. The worker runs it each night (management command
``rebuild_daily_sales``: the last 31 days, so an order cancelled after its day is taken out the
next night); a day without a summary yet — today, or a day the job missed — is read from the
orders and documents themselves, so the figures are right either way.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from comptoir.orders.models import Order, OrderLine

from .models import DailySales, ProductDailySales, SummaryDay, TaxDailySummary
from .periods import Period
from .selectors import live_figures


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def placed_between(ranges: list[tuple[datetime.date, datetime.date]], prefix: str = "") -> Q:
    """Orders placed during any of the ``ranges`` of days (an index range scan each)."""
    condition = Q(pk__in=[])
    for first, last in ranges:
        start, end = day_bounds(first, last)
        condition |= Q(**{f"{prefix}placed_at__gte": start, f"{prefix}placed_at__lt": end})
    return condition


def sales_by_day(ranges) -> list[dict]:
    """Live figures of non-cancelled orders per day × payment method × delivery method."""
    tz = timezone.get_current_timezone()
    return list(
        Order.objects.filter(placed_between(ranges)).exclude(status=Order.Status.CANCELLED)
        .annotate(day=TruncDate("placed_at", tzinfo=tz))
        .values("day", "payment_method", "delivery_method_id", "delivery_name_fr", "delivery_name_en")
        .annotate(
            order_count=Count("pk"),
            sales_amount=Sum(F("subtotal_amount") + F("shipping_amount") + F("insurance_amount")),
            total_amount=Sum("total_amount"),
        )
        .order_by()
    )


def product_sales_by_day(ranges, *, by_day: bool = True) -> list[dict]:
    tz = timezone.get_current_timezone()
    lines = OrderLine.objects.filter(placed_between(ranges, "order__")).exclude(
        order__status=Order.Status.CANCELLED
    )
    if by_day:
        lines = lines.annotate(day=TruncDate("order__placed_at", tzinfo=tz))
    fields = ["day"] if by_day else []
    return list(
        lines.values(*fields, "sku").annotate(
            quantity=Sum("quantity"), amount=Sum("line_total_amount"),
            product_id=Max("product_id"), name_fr=Max("name_fr"), name_en=Max("name_en"),
        ).order_by()
    )


@transaction.atomic
def rebuild_daily_sales(day: datetime.date) -> int:
    """Replace the summary rows of ``day`` (sales, products sold, tax report figures); returns
    the number of orders it counts. Only a day that is over: its documents are then final."""
    if day >= timezone.localdate():
        raise ValueError(f"{day} is not over yet: only a past day can be summarised")
    _rebuild_tax_summary(day)
    DailySales.objects.filter(day=day).delete()
    ProductDailySales.objects.filter(day=day).delete()
    rows = sales_by_day([(day, day)])
    DailySales.objects.bulk_create(
        DailySales(
            day=day, payment_method=row["payment_method"], delivery_method_id=row["delivery_method_id"],
            delivery_name_fr=row["delivery_name_fr"], delivery_name_en=row["delivery_name_en"] or "",
            order_count=row["order_count"], sales_amount=row["sales_amount"] or Decimal(0),
            total_amount=row["total_amount"] or Decimal(0),
        )
        for row in _merged_by_method(rows)
    )
    ProductDailySales.objects.bulk_create(
        ProductDailySales(
            day=day, product_id=row["product_id"], sku=row["sku"], name_fr=row["name_fr"],
            name_en=row["name_en"] or "", quantity=row["quantity"], amount=row["amount"],
        )
        for row in product_sales_by_day([(day, day)], by_day=False)
    )
    SummaryDay.objects.update_or_create(day=day)
    return sum(row["order_count"] for row in rows)


def _rebuild_tax_summary(day: datetime.date) -> None:
    TaxDailySummary.objects.filter(day=day).delete()
    TaxDailySummary.objects.bulk_create(
        TaxDailySummary(
            day=day, province=province, taxable_amount=part.taxable_amount,
            zero_rated_amount=part.zero_rated_amount, exempt_amount=part.exempt_amount,
            gst_amount=part.gst_amount, qst_amount=part.qst_amount,
            hst_amount=part.hst_by_province.get(province), pst_amount=part.pst_by_province.get(province),
            invoice_count=part.invoice_count, credit_note_count=part.credit_note_count,
            flagged_count=part.flagged_count,
        )
        for province, part in live_figures([Period(day, day)]).items()
    )


def _merged_by_method(rows: list[dict]) -> list[dict]:
    """One row per payment × delivery method even if the method was renamed during the day."""
    merged = {}
    for row in rows:
        key = (row["payment_method"], row["delivery_method_id"])
        if key in merged:
            for name in ("order_count", "sales_amount", "total_amount"):
                merged[key][name] += row[name]
        else:
            merged[key] = dict(row)
    return list(merged.values())
