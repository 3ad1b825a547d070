"""Read queries of the invoice and customer pages (constant query count per page)."""

from django.db.models import Count, DecimalField, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from comptoir.core.money import ZERO
from comptoir.core.search import is_plain_number
from comptoir.core.text import fold
from comptoir.customers.models import Customer
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.orders.models import Order
from comptoir.orders.references import normalize
from comptoir.orders.selectors import reference_searched
from comptoir.payments.models import Payment


def invoice_list(*, search: str = "") -> QuerySet[Invoice]:
    """Invoices newest first, each with its credit notes (one extra query per page)."""
    invoices = (
        Invoice.objects.select_related("order")
        .only(
            "number", "issued_at", "status", "total_amount", "customer_name", "customer_email",
            "language", "order__number", "order__status",
        )
        .prefetch_related(
            Prefetch("credit_notes", queryset=CreditNote.objects.only(
                "number", "issued_at", "total_amount", "invoice_id").order_by("number"))
        )
    )
    search = (search or "").strip().lstrip("#")
    if search:
        digits = search.upper().removeprefix("F-").removeprefix("NC-")
        if is_plain_number(digits):
            number = int(digits)
            invoices = invoices.filter(
                Q(number=number) | Q(order__number=number) | Q(credit_notes__number=number)
            ).distinct()
        elif reference_searched(search):
            invoices = invoices.filter(order__payment_reference=normalize(search))
        else:
            invoices = invoices.filter(
                Q(customer_name__icontains=search) | Q(customer_email__icontains=search)
            )
    return invoices.order_by("-number")


def invoice_by_number(number: int) -> Invoice:
    return Invoice.objects.select_related("order").get(number=number)


# « Clients » sort orders: ?tri=<key> (ascending) or ?tri=-<key> (descending).
CUSTOMER_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "orders": ("order_count",), "spent": ("total_spent",), "last": ("last_order_at",),
    "balance": ("balance_owed",),
}


def customer_list(*, search: str = "", sort: str = "name") -> QuerySet[Customer]:
    key = sort.lstrip("-")
    customers = Customer.objects.select_related("billing_address", "shipping_address")
    for term in (search or "").split()[:4]:
        folded = fold(term)
        condition = Q(email__icontains=term) | Q(phone__icontains=term)
        if folded:  # « Gagne » finds « Gagné »: the folded names start a word with it
            condition |= Q(search_name__contains=" " + folded)
        customers = customers.filter(condition)
    if key == "name" or key not in CUSTOMER_SORTS:
        return _with_figures_of_the_page(customers).order_by("last_name", "first_name", "id")
    figure = F(CUSTOMER_SORTS[key][0])
    figure = figure.desc(nulls_last=True) if sort.startswith("-") else figure.asc(nulls_first=True)
    return _with_figures_of_everyone(customers).order_by(figure, "last_name", "first_name", "id")


def _with_figures_of_the_page(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Correlated subqueries through the order's customer index: sorted by name, the database
    computes them for the 50 customers of the page only."""
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    kept = orders.exclude(status=Order.Status.CANCELLED)
    unpaid = Invoice.objects.filter(order__customer=OuterRef("pk"), status=Invoice.Status.UNPAID)
    paid_on_unpaid = Payment.objects.filter(
        invoice__order__customer=OuterRef("pk"), invoice__status=Invoice.Status.UNPAID
    )
    return customers.annotate(
        order_count=Coalesce(Subquery(kept.annotate(n=Count("pk")).values("n")), 0),
        last_order_at=Subquery(orders.annotate(last=Max("placed_at")).values("last")),
        total_spent=Coalesce(Subquery(kept.annotate(total=Sum("total_amount")).values("total")), ZERO),
        balance_owed=Coalesce(_sum(unpaid, "total_amount", "order__customer"), ZERO)
        - Coalesce(_sum(paid_on_unpaid, "amount", "invoice__order__customer"), ZERO),
    )


def _with_figures_of_everyone(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Sorted by a figure, every customer's figure is needed: one pass over the orders joined
    to their invoices (GROUP BY customer) instead of a subquery per customer; payments are read
    for the unpaid invoices only (partial payments)."""
    kept = ~Q(orders__status=Order.Status.CANCELLED)
    unpaid = Q(orders__invoice__status=Invoice.Status.UNPAID)
    paid = Payment.objects.filter(invoice=OuterRef("orders__invoice")).order_by().values("invoice")
    paid = Subquery(paid.annotate(total=Sum("amount")).values("total"),
                    output_field=DecimalField(max_digits=14, decimal_places=2))
    return customers.annotate(
        order_count=Count("orders", filter=kept),
        last_order_at=Max("orders__placed_at"),
        total_spent=Coalesce(Sum("orders__total_amount", filter=kept), ZERO),
        balance_owed=Coalesce(Sum(F("orders__invoice__total_amount") - Coalesce(paid, ZERO), filter=unpaid),
                              ZERO),
    )


def _sum(queryset, field: str, group: str):
    return Subquery(queryset.order_by().values(group).annotate(total=Sum(field)).values("total"),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


def customer_detail(pk: int) -> Customer:
    orders = Order.objects.select_related(
        "billing_address", "shipping_address", "invoice"
    ).order_by("-number")
    return (
        Customer.objects.select_related("user", "billing_address", "shipping_address")
        .prefetch_related(Prefetch("orders", queryset=orders))
        .get(pk=pk)
    )
