"""Read queries of the invoice and customer pages (constant query count per page)."""

from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from comptoir.core.search import is_plain_number
from comptoir.core.text import fold
from comptoir.customers.models import Customer
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.orders.models import Order
from comptoir.orders.references import normalize
from comptoir.orders.selectors import reference_searched


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
    """Customers with their figures (columns of the customer row, kept by the services: see
    ``Customer.order_count``), sorted by name or by one of them."""
    key = sort.lstrip("-")
    customers = Customer.objects.select_related("billing_address", "shipping_address")
    for term in (search or "").split()[:4]:
        folded = fold(term)
        condition = _email_contains(term) | Q(phone__icontains=term)
        if folded:  # « Gagne » finds « Gagné »: the folded names start a word with it
            condition |= Q(search_name__contains=" " + folded)
        customers = customers.filter(condition)
    if key == "name" or key not in CUSTOMER_SORTS:
        return customers.order_by("last_name", "first_name", "id")
    # Ties in the order of the customers' numbers: the sort follows one index either way
    # (``Customer.Meta.indexes``); customers without any order come last, then first.
    figure = F(CUSTOMER_SORTS[key][0])
    if sort.startswith("-"):
        return customers.order_by(figure.desc(nulls_last=key == "last" or None), F("id").desc())
    return customers.order_by(figure.asc(nulls_first=key == "last" or None), F("id").asc())


def _email_contains(term: str) -> Q:
    """``email__icontains=term``, written so that PostgreSQL's trigram index is asked only for
    what comes before the « @ » of an email address: the domain's trigrams (« example.com »,
    « gmail.com ») are in most customers' entries, and reading them made a search for one
    email 11 ms instead of 4 with 20,000 customers. The whole term is then checked on the rows
    found (``STRPOS``, which no index answers), so the customers matched are the same."""
    local, at, domain = term.partition("@")
    if not (local and at and domain):
        return Q(email__icontains=term)
    whole = StrIndex(Upper("email"), Upper(Value(term)))
    return Q(email__icontains=local + at) & Q(GreaterThan(whole, 0))


def customer_detail(pk: int) -> Customer:
    orders = Order.objects.select_related(
        "billing_address", "shipping_address", "invoice"
    ).order_by("-number")
    return (
        Customer.objects.select_related("user", "billing_address", "shipping_address")
        .prefetch_related(Prefetch("orders", queryset=orders))
        .get(pk=pk)
    )
