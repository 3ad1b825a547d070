"""Daily summaries of the sales, so the home page reads 30 small rows per day instead of every
order of the last 30 days (and of the same days last year).

``rebuild_daily_sales(day)`` replaces the rows of one day (shop time zone) from the orders and
their lines, cancelled orders left out. The worker runs it each night for the day before
(management command ``rebuild_daily_sales``); a day without a summary yet — today, or a day the
job missed — is read from the orders themselves, so the figures are right either way.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from comptoir.orders.models import Order, OrderLine

from .models import DailySales, ProductDailySales, SummaryDay


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
    """Replace the summary rows of ``day``; returns the number of orders it counts."""
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
