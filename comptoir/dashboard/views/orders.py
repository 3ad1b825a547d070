"""« Commandes »: the order list, the order page (tab « Commande ») and its actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.core.pagination import newest_first_page
from comptoir.core.prepared import PreparedQuery
from comptoir.core.search import clean_search_text
from comptoir.fulfilment.batch import MAX_BATCH
from comptoir.invoicing.selectors import invoice_of
from comptoir.invoicing.services import change_order_status
from comptoir.orders import selectors
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.services import (
    add_order_line,
    allowed_transitions,
    payment_confirmation_sent_at,
    remove_order_line,
    send_payment_confirmation,
    update_order_line,
    update_order_lines,
)
from comptoir.payments import corrections
from comptoir.payments import selectors as payment_selectors
from comptoir.payments.refunds import order_balances

from ..access import staff_required
from ..forms import AddLineForm, LineForm, LinesForm, StatusForm
from ..fulfilment_forms import ExportForm
from ..order_rows import ROW_FIELDS, order_rows
from ..timeline import build_timeline
from .batch import filtered_orders
from .common import PAGE_SIZE, form_errors, page_bounds, redirect_back, walk_by_number
from .fulfilment import fulfilment_context

STATUS_TABS = [
    "", Order.Status.NEW, Order.Status.AWAITING_PAYMENT, selectors.READY,
    Order.Status.COMPLETED, Order.Status.CANCELLED,
]

@staff_required
def order_list(request):
    form, orders = filtered_orders(request.GET)
    status = form.cleaned_data.get("status", "")
    search = form.cleaned_data.get("q", "")
    before, after = page_bounds(request)
    if after is None and not (status or search or form.has_filters()):
        # The list as it opens, and its older pages: SQL written once (``core.prepared``).
        rows = _NEWEST_ORDERS() if before is None else _OLDER_ORDERS(before=before)
        page = newest_first_page(rows, before=before, size=PAGE_SIZE)
    else:
        page = walk_by_number(request, orders.values(*ROW_FIELDS))
    counts = selectors.order_status_counts()
    # The filters stay in the URL: the tabs, the pages, the batch actions and the export keep them.
    kept = request.GET.copy()
    for name in ("status", "avant", "apres"):
        kept.pop(name, None)
    filters = kept.urlencode()
    tabs = [
        {"value": value, "label": _tab_label(value), "count": counts.get(value),
         "query": "&".join(part for part in [f"status={value}" if value else "", filters] if part)}
        for value in STATUS_TABS
    ]
    return render(request, "dashboard/orders/list.html", {
        "nav": "orders", "page": page, "orders": page.rows, "order_rows": order_rows(page.rows, request),
        "tabs": tabs,
        "status": status, "search": search, "status_choices": Order.Status.choices,
        "filter_form": form, "filtered": form.has_filters(), "filters": filters,
        "hidden_filters": form.hidden_filters(),
        "filter_query": "&".join(part for part in [f"status={status}" if status else "", filters] if part),
        "batch_max": MAX_BATCH, "export_form": ExportForm(),
    })


_NEWEST_ORDERS = PreparedQuery(lambda: Order.objects.order_by("-number").values(*ROW_FIELDS)[: PAGE_SIZE + 1])
_OLDER_ORDERS = PreparedQuery(
    lambda before: Order.objects.filter(number__lt=before).order_by("-number")
    .values(*ROW_FIELDS)[: PAGE_SIZE + 1],
    before=(1, 2),
)


def _tab_label(value: str) -> str:
    if value == "":
        return _("All")
    if value == selectors.READY:
        return _("Paid — ready to complete")
    return str(Order.Status(value).label)


def _order_or_404(number: int, *, invoice_documents: bool = True) -> Order:
    try:
        return payment_selectors.order_detail(number, invoice_documents=invoice_documents)
    except Order.DoesNotExist as error:
        raise Http404(_("No order with this number.")) from error


def order_context(order: Order, **extra) -> dict:
    """What both tabs of the order page show (header, status selector, invoice)."""
    invoice = invoice_of(order)
    transitions = allowed_transitions(order)
    choices = [(order.status, order.get_status_display())] + [
        (value, label) for value, label in Order.Status.choices if value in transitions
    ]
    is_open = order.status in (Order.Status.NEW, Order.Status.AWAITING_PAYMENT)
    return {
        "nav": "orders", "order": order, "invoice": invoice, "status_choices": choices,
        "status_can_change": bool(transitions),
        "is_editable": invoice is None and is_open,
        # After issue, a change credits the invoice and issues a new one (payments.corrections).
        "is_correctable": invoice is not None and order.status != Order.Status.CANCELLED,
        "invoice_is_paid": invoice is not None and invoice.status == "paid",
        # How to pay is shown while a payment is still expected.
        "awaits_payment": invoice.status == "unpaid" if invoice is not None else is_open,
        **extra,
    }


@staff_required
def order_detail(request, number: int):
    order = _order_or_404(number, invoice_documents=False)
    product_search = clean_search_text(request.GET.get("produit"))
    events = order.events.all()
    notifications = selectors.order_notifications(order)
    context = order_context(
        order,
        tab="order",
        timeline=build_timeline(events, notifications),
        confirmation_sent_at=payment_confirmation_sent_at(order, events=events, notifications=notifications),
        product_search=product_search,
        found_products=selectors.products_for_order(product_search),
        **fulfilment_context(order),
    )
    return render(request, "dashboard/orders/detail.html", context)


@staff_required
@require_POST
def order_change_status(request, number: int):
    order = get_object_or_404(Order, number=number)
    fallback = reverse("dashboard:order_detail", args=[number])
    form = StatusForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect_back(request, fallback)
    to = form.cleaned_data["status"]
    if to == order.status:
        messages.info(request, _("Order %(number)s saved: no change.") % {"number": order.number})
        return redirect_back(request, fallback)
    try:
        change_order_status(order, to=to, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Order %(number)s is now « %(status)s ».") % {
            "number": order.number, "status": order.get_status_display(),
        })
        if to == Order.Status.CANCELLED and order_balances(order).owed_total < 0:
            # Paid, now cancelled: the money is owed back; go straight to « Rembourser ».
            messages.warning(request, _("The customer had paid: refund them now."))
            return redirect("dashboard:order_refund", number=number)
    return redirect_back(request, fallback)


@staff_required
@require_POST
def order_add_line(request, number: int):
    order = get_object_or_404(Order, number=number)
    form = AddLineForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        service = add_order_line if invoice_of(order) is None else corrections.correct_add_line
        _apply(request, service, order, product=form.cleaned_data["product"],
               variant=form.cleaned_data["variant"], quantity=form.cleaned_data["quantity"],
               done=_("Line added."))
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_update_line(request, number: int, line_id: int):
    line = get_object_or_404(OrderLine.objects.select_related("order"), pk=line_id, order__number=number)
    form = LineForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        service = update_order_line if invoice_of(line.order) is None else corrections.correct_update_line
        _apply(request, service, line, quantity=form.cleaned_data["quantity"],
               unit_price_amount=form.cleaned_data["unit_price"], done=_("Line saved."))
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_update_lines(request, number: int):
    """One « Enregistrer » for every line of the order."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number)
    form = LinesForm(request.POST, lines=order.lines.all())
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            if invoice_of(order) is None:
                changed = update_order_lines(order, changes=form.changes(), actor=request.user)
            else:
                changed = corrections.correct_update_lines(order, changes=form.changes(), actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Lines saved.") if changed else _("Lines saved: no change."))
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_remove_line(request, number: int, line_id: int):
    line = get_object_or_404(OrderLine.objects.select_related("order"), pk=line_id, order__number=number)
    service = remove_order_line if invoice_of(line.order) is None else corrections.correct_remove_line
    _apply(request, service, line, done=_("Line removed."))
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_send_payment_confirmation(request, number: int):
    order = get_object_or_404(Order, number=number)
    _apply(request, send_payment_confirmation, order, resend=request.POST.get("resend") == "1",
           done=_("The payment confirmation is on its way to the customer."))
    return redirect("dashboard:order_detail", number=number)


def _apply(request, service, target, *, done: str, **kwargs) -> bool:
    """Call one service; a refusal becomes an error message and nothing is changed."""
    try:
        service(target, actor=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True
