"""« Clients »: every customer and guest who ordered, and their orders."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from comptoir.customers.models import Customer

from .. import selectors
from ..access import staff_required
from ..forms import OrderSearchForm
from .common import paginate


@staff_required
def customer_list(request):
    form = OrderSearchForm(request.GET)
    form.is_valid()
    search = form.cleaned_data.get("q", "")
    sort = request.GET.get("tri", "name")
    if sort.lstrip("-") not in selectors.CUSTOMER_SORTS:
        sort = "name"
    page = paginate(request, selectors.customer_list(search=search, sort=sort))
    return render(request, "dashboard/customers/list.html", {
        "nav": "customers", "page": page, "customers": page.object_list, "search": search,
        "sort": sort, "columns": _sort_columns(sort, search),
    })


def _sort_columns(sort: str, search: str) -> dict:
    """For each sortable column: its link (the other direction when it is the current sort)
    and its aria-sort value."""
    columns = {}
    for key in selectors.CUSTOMER_SORTS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = (key if descending else f"-{key}") if current else (key if key == "name" else f"-{key}")
        query = urlencode({"tri": next_sort, **({"q": search} if search else {})})
        columns[key] = {"url": f"?{query}",
                        "aria_sort": ("descending" if descending else "ascending") if current else ""}
    return columns


@staff_required
def customer_detail(request, pk: int):
    try:
        customer = selectors.customer_detail(pk)
    except Customer.DoesNotExist as error:
        raise Http404(_("No customer with this number.")) from error
    return render(request, "dashboard/customers/detail.html", {
        "nav": "customers", "customer": customer, "orders": customer.orders.all(),
    })
