"""Read queries of the back-office pages, each with the joins that keep its query count constant."""

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from comptoir.catalog.models import Product, ProductVariant
from comptoir.core.prepared import PreparedQuery
from comptoir.core.queries import counting_sql, run_counts
from comptoir.core.search import is_plain_number
from comptoir.customers.models import Customer
from comptoir.notifications.models import Notification

from .models import Order, OrderLine, OrderTax
from .references import find_references, normalize

# An order's lines and taxes in each model's own order (``Meta.ordering``), as ``order.lines.all()``
# gives them: for ``core.prepared.attach_related`` on the pages that show an order.
order_lines = PreparedQuery(lambda order_id: OrderLine.objects.filter(order_id=order_id), order_id=(1, 2))
order_taxes = PreparedQuery(lambda order_id: OrderTax.objects.filter(order_id=order_id), order_id=(1, 2))


Status = Order.Status
# The tabs of the order list; "ready" = not completed yet but the invoice is paid.
READY = "ready"


def order_list(*, status: str = "", search: str = "") -> QuerySet[Order]:
    """Orders newest first, filtered by status tab and by a number, name or email search (the
    callers read the columns they show: ``values()``)."""
    orders = Order.objects.all()
    if status == READY:
        orders = orders.filter(status__in=[Status.NEW, Status.AWAITING_PAYMENT], invoice_paid=True)
    elif status in Status.values:
        orders = orders.filter(status=status)
    return _search(orders, search).order_by("-number")


SEARCH_CUSTOMER_CAP = 500


def reference_searched(search: str) -> bool:
    """Whether a search is a payment reference (« CPT-AQMMF7 », « cpt aqmmf7 »)."""
    return find_references(search) == [normalize(search)]


def _search(orders: QuerySet[Order], search: str) -> QuerySet[Order]:
    """A number finds that order, a payment reference (« CPT-AQMMF7 ») its order; words find the
    orders of the customers whose name or email contains them all, and an exact email finds its
    orders (indexed on UPPER(email)).

    Matching the words against the customers (far fewer rows than orders) and then taking
    their orders through the customer index keeps the search fast with 100,000+ orders.
    """
    search = (search or "").strip().lstrip("#")
    if not search:
        return orders
    if is_plain_number(search):
        return orders.filter(number=int(search))
    if reference_searched(search):
        return orders.filter(payment_reference=normalize(search))
    customers = Customer.objects.all()
    for term in search.split()[:4]:
        customers = customers.filter(
            Q(email__icontains=term) | Q(last_name__icontains=term) | Q(first_name__icontains=term)
        )
    # The matching customers are read first: given their few ids, the database takes their
    # orders through the customer index. Given a subquery instead, it walks every order
    # newest first, testing each one against it, when few orders match.
    customer_ids = list(customers.order_by().values_list("pk", flat=True)[: SEARCH_CUSTOMER_CAP + 1])
    if len(customer_ids) > SEARCH_CUSTOMER_CAP:  # a broad search: its orders are found quickly anyway
        return orders.filter(Q(customer__in=customers.values("pk")) | Q(email__iexact=search))
    return orders.filter(Q(customer_id__in=customer_ids) | Q(email__iexact=search))


COUNT_CAP = 100  # the tabs show « 99+ » beyond this


def order_status_counts() -> dict[str, int]:
    """How many orders wait for the merchant, per tab, counted up to ``COUNT_CAP``: each count
    reads at most that many index entries, so the tabs cost the same with 1,000 or 100,000
    open orders (beyond the cap the exact number is of no use on a tab). One query."""
    # The query never changes: its SQL is written once per database (and cap).
    key = (connections[DEFAULT_DB_ALIAS].vendor, COUNT_CAP)
    if key not in _TAB_COUNTS_SQL:
        _TAB_COUNTS_SQL[key] = counting_sql(_tab_counts())
    return run_counts(TAB_COUNTS, *_TAB_COUNTS_SQL[key])


TAB_COUNTS = [Status.NEW, Status.AWAITING_PAYMENT, READY]
_TAB_COUNTS_SQL: dict[tuple[str, int], tuple[str, list]] = {}


def _tab_counts() -> dict[str, QuerySet]:
    open_statuses = [Status.NEW, Status.AWAITING_PAYMENT]
    capped = {
        status: Order.objects.filter(status=status).order_by().values("pk")[:COUNT_CAP]
        for status in open_statuses
    }
    ready = Order.objects.filter(status__in=open_statuses, invoice_paid=True).order_by()
    capped[READY] = ready.values("pk")[:COUNT_CAP]
    return capped


def order_notifications(order: Order):
    """The messages about the order, oldest first, without their bodies (the order page's
    timeline: its SQL is written once, ``core.prepared``)."""
    return _ORDER_NOTIFICATIONS(reference=f"order:{order.pk}")


_ORDER_NOTIFICATIONS = PreparedQuery(
    lambda reference: Notification.objects.filter(reference=reference)
    .defer("body_html", "context", "attachments")
    .order_by("created_at", "id"),
    reference=("order:1", "order:2"),
)


@dataclass(frozen=True)
class Sellable:
    """A product sold as such, or one variant for sale of a product sold by variant."""

    product: Product
    variant: ProductVariant | None = None

    def __getattr__(self, name):  # name, sku, price_amount, stock: the variant's or the product's
        return getattr(self.variant if self.variant is not None else self.product, name)


def products_for_order(search: str, *, limit: int = 15) -> list[Sellable]:
    """What the merchant may add to an order, by SKU (a variant's too) or name: products sold as
    such and each variant for sale of the others (a short, bounded list, two queries)."""
    search = (search or "").strip()
    if not search:
        return []
    products = Product.objects.filter(
        Q(sku__iexact=search) | Q(name_fr__icontains=search) | Q(name_en__icontains=search)
        | Q(pk__in=ProductVariant.objects.filter(sku__iexact=search).values("product_id"))
    ).prefetch_related(Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True)))
    found = []
    for product in products.order_by("name_fr")[:limit]:
        if product.has_variants:
            found.extend(Sellable(product, variant) for variant in product.variants.all())
        else:
            found.append(Sellable(product))
    return found[:limit]


def filter_orders(orders: QuerySet[Order], *, date_from=None, date_to=None, payment_method=None,
                  delivery_method=None, paid: str = "", fulfilment: str = "") -> QuerySet[Order]:
    """The order list's filters, combinable (each has its index, walked newest first).

    ``date_from``/``date_to`` are dates (inclusive, in the shop's time zone); ``paid`` is
    "paid" or "unpaid" (the order's invoice is paid, or not / no invoice yet)."""
    if date_from:
        orders = orders.filter(placed_at__gte=_start_of(date_from))
    if date_to:
        orders = orders.filter(placed_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if payment_method is not None:
        orders = orders.filter(payment_method=payment_method)
    if delivery_method is not None:
        orders = orders.filter(delivery_method=delivery_method)
    if paid in ("paid", "unpaid"):
        orders = orders.filter(invoice_paid=paid == "paid")
    if fulfilment in Order.Fulfilment.values:
        orders = orders.filter(fulfilment_state=fulfilment)
    return orders


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
