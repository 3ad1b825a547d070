"""The figures of the merchant's home page (« Tableau de bord »), in a fixed number of queries.

What to do today comes from small indexed queries (counts stop at ``COUNT_CAP``); how the shop
is doing comes from the daily summaries (``summaries``) for the days already summarised and from
the orders themselves for the others (today, or a day the nightly job has not summarised yet).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Coalesce

from comptoir.catalog.models import Product, ProductVariant
from comptoir.core.money import ZERO, quantize
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification
from comptoir.orders import selectors as order_selectors
from comptoir.orders.models import Order

from .models import DailySales, ProductDailySales, SummaryDay
from .summaries import product_sales_by_day, sales_by_day

DAYS = 30
COUNT_CAP = order_selectors.COUNT_CAP
LOW_STOCK_SHOWN = 10


@dataclass
class ToDo:
    new_count: int
    awaiting_count: int
    oldest_awaiting: Order | None
    ready_count: int
    failed_message_count: int
    low_stock: list
    low_stock_count: int


def low_stock_products(shop: ShopSettings):
    """Visible products sold without variants at or below their threshold (or the shop's
    default threshold)."""
    return Product.objects.filter(is_visible=True, has_variants=False).alias(
        threshold=Coalesce("low_stock_threshold", shop.low_stock_threshold)
    ).filter(stock__lte=F("threshold"))


def low_stock_variants(shop: ShopSettings):
    """Variants for sale of visible products at or below their product's threshold (or the
    shop's default threshold)."""
    return ProductVariant.objects.filter(is_active=True, product__is_visible=True).alias(
        threshold=Coalesce("product__low_stock_threshold", shop.low_stock_threshold)
    ).filter(stock__lte=F("threshold")).select_related("product")


def low_stock_items(shop: ShopSettings, limit: int) -> list:
    """Products (sold as such) and variants low on stock, lowest stock first, at most ``limit``:
    each has ``name``, ``name_fr``, ``name_en``, ``sku`` and ``stock``. Two queries."""
    products = list(low_stock_products(shop).only("pk", "name_fr", "name_en", "stock", "sku")
                    .order_by("stock", "name_fr")[:limit])
    variants = list(low_stock_variants(shop).order_by("stock", "product__name_fr", "position")[:limit])
    return sorted(products + variants, key=lambda item: (item.stock, item.name_fr))[:limit]


def todo(shop: ShopSettings) -> ToDo:
    counts = order_selectors.order_status_counts()
    oldest = (
        Order.objects.filter(status=Order.Status.AWAITING_PAYMENT)
        .only("number", "placed_at", "total_amount").order_by("number").first()
    )
    failed = Notification.objects.filter(status=Notification.Status.FAILED).order_by()
    low = low_stock_items(shop, COUNT_CAP + 1)
    return ToDo(
        new_count=counts[Order.Status.NEW], awaiting_count=counts[Order.Status.AWAITING_PAYMENT],
        oldest_awaiting=oldest, ready_count=counts[order_selectors.READY],
        failed_message_count=failed.values("pk")[:COUNT_CAP].count(),
        low_stock=low[:LOW_STOCK_SHOWN], low_stock_count=len(low),
    )


@dataclass
class Performance:
    days: list  # [{"day", "orders", "sales", "last_year_day", "last_year_orders", "last_year_sales"}]
    order_count: int = 0
    sales_amount: Decimal = ZERO
    last_year_order_count: int = 0
    last_year_sales_amount: Decimal = ZERO
    top_products: list = field(default_factory=list)
    payment_shares: list = field(default_factory=list)
    delivery_shares: list = field(default_factory=list)

    @property
    def average_order_amount(self) -> Decimal:
        return quantize(self.sales_amount / self.order_count) if self.order_count else ZERO

    @property
    def last_year_average_order_amount(self) -> Decimal:
        count = self.last_year_order_count
        return quantize(self.last_year_sales_amount / count) if count else ZERO


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def performance(today: datetime.date, *, language: str = "fr") -> Performance:
    """The last 30 days (today included) and the same days a year before."""
    current = [today - datetime.timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
    previous = [year_before(day) for day in current]
    wanted = set(current) | set(previous)
    # Ranges (not lists of days) so the queries run even when nothing is summarised yet: the
    # page makes the same queries every day.
    in_ranges = Q(day__gte=current[0], day__lte=today) | Q(day__gte=previous[0], day__lte=previous[-1])
    built = set(SummaryDay.objects.filter(in_ranges).exclude(day=today).values_list("day", flat=True))
    missing = _ranges(sorted(wanted - built))
    rows = list(DailySales.objects.filter(in_ranges).exclude(day=today).values(
        "day", "payment_method", "delivery_method_id", "delivery_name_fr", "delivery_name_en",
        "order_count", "sales_amount",
    )) + sales_by_day(missing)
    products = list(
        ProductDailySales.objects.filter(day__gte=current[0], day__lt=today).values("sku").annotate(
            quantity=Sum("quantity"), amount=Sum("amount"), name_fr=Max("name_fr"), name_en=Max("name_en"),
        ).order_by()
    )
    products += product_sales_by_day(_ranges(sorted(set(current) - built)), by_day=False)
    return _assemble(current, previous, rows, products, language)


def _ranges(days: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive days grouped as (first, last) ranges."""
    ranges = []
    for day in days:
        if ranges and ranges[-1][1] + datetime.timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _assemble(current, previous, rows, products, language) -> Performance:
    per_day = defaultdict(lambda: [0, ZERO])
    payments, deliveries = defaultdict(int), defaultdict(lambda: [0, ""])
    current_days = set(current)
    for row in rows:
        per_day[row["day"]][0] += row["order_count"]
        per_day[row["day"]][1] += row["sales_amount"] or ZERO
        if row["day"] in current_days:
            payments[row["payment_method"]] += row["order_count"]
            delivery = deliveries[row["delivery_method_id"]]
            delivery[0] += row["order_count"]
            delivery[1] = (row["delivery_name_en"] if language == "en" else "") or row["delivery_name_fr"]
    days = [
        {"day": day, "orders": per_day[day][0], "sales": per_day[day][1], "last_year_day": before,
         "last_year_orders": per_day[before][0], "last_year_sales": per_day[before][1]}
        for day, before in zip(current, previous, strict=True)
    ]
    result = Performance(days=days)
    result.order_count = sum(day["orders"] for day in days)
    result.sales_amount = sum((day["sales"] for day in days), ZERO)
    result.last_year_order_count = sum(day["last_year_orders"] for day in days)
    result.last_year_sales_amount = sum((day["last_year_sales"] for day in days), ZERO)
    result.top_products = _top_products(products, language)
    result.payment_shares = _shares([(method, count) for method, count in payments.items()])
    result.delivery_shares = _shares([(name, count) for count, name in deliveries.values()])
    return result


def _top_products(rows, language, limit: int = 10) -> list[dict]:
    merged = {}
    for row in rows:
        item = merged.setdefault(row["sku"], {"sku": row["sku"], "quantity": 0, "amount": ZERO,
                                              "name": row["name_fr"]})
        item["quantity"] += row["quantity"]
        item["amount"] += row["amount"] or ZERO
        if language == "en" and row.get("name_en"):
            item["name"] = row["name_en"]
    return sorted(merged.values(), key=lambda item: (-item["amount"], item["sku"]))[:limit]


def _shares(counts: list[tuple[str, int]]) -> list[dict]:
    total = sum(count for _key, count in counts)
    return [
        {"key": key, "count": count, "percent": round(count * 100 / total) if total else 0}
        for key, count in sorted(counts, key=lambda item: (-item[1], str(item[0])))
    ]
