"""« Clients »: every customer and guest who ordered, and their orders."""

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
    page = paginate(request, selectors.customer_list(search=search))
    return render(request, "dashboard/customers/list.html", {
        "nav": "customers", "page": page, "customers": page.object_list, "search": search,
    })


@staff_required
def customer_detail(request, pk: int):
    try:
        customer = selectors.customer_detail(pk)
    except Customer.DoesNotExist as error:
        raise Http404(_("No customer with this number.")) from error
    return render(request, "dashboard/customers/detail.html", {
        "nav": "customers", "customer": customer, "orders": customer.orders.all(),
    })
