"""Batch work of « Commandes »: the selection, the batch actions, the batch PDFs and the CSV
exports of the filtered orders."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.fulfilment.batch import MAX_BATCH, change_orders_status, ship_orders, start_batch_print
from comptoir.fulfilment.carriers import Carrier
from comptoir.fulfilment.exports import line_rows, order_rows
from comptoir.fulfilment.models import BatchJob
from comptoir.orders import selectors
from comptoir.orders.models import Order

from ..access import staff_required
from ..fulfilment_forms import BATCH_KINDS, BatchForm, BatchShipForm, ExportForm, OrderFilterForm
from .common import form_errors


def filtered_orders(data) -> tuple[OrderFilterForm, object]:
    """The order list's form and its orders (search, status tab and filters of ``data``)."""
    form = OrderFilterForm(data)
    form.is_valid()
    orders = selectors.order_list(
        status=form.cleaned_data.get("status", ""), search=form.cleaned_data.get("q", "")
    )
    return form, selectors.filter_orders(orders, **form.filters())


def _list_url(request) -> str:
    query = request.POST.get("filter_query", "")
    return reverse("dashboard:order_list") + (f"?{query}" if query and len(query) < 1000 else "")


@staff_required
@require_POST
def order_batch(request):
    """The selected orders (or the first 200 of the current filter) and what to do with them."""
    form = BatchForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_list_url(request))
    numbers = _selection(request, form)
    if not numbers:
        messages.error(request, _("Select at least one order."))
        return redirect(_list_url(request))
    action = form.cleaned_data["action"]
    if action in BATCH_KINDS:
        job = start_batch_print(
            numbers, kind=BATCH_KINDS[action], actor=request.user, language=get_language()
        )
        return redirect("dashboard:batch_job", token=job.token)
    if action == "status":
        return _change_status(request, numbers, form.cleaned_data["to"])
    orders = list(
        Order.objects.filter(number__in=numbers)
        .select_related("customer")
        .only(
            "number",
            "email",
            "status",
            "fulfilment_state",
            "delivery_kind",
            "customer__first_name",
            "customer__last_name",
        )
        .order_by("-number")
    )
    return render(
        request,
        "dashboard/orders/batch_ship.html",
        {
            "nav": "orders",
            "orders": orders,
            "form": BatchShipForm(initial={"carrier": Carrier.CANADA_POST}),
            "filter_query": request.POST.get("filter_query", ""),
            "tracking": {},
        },
    )


def _selection(request, form) -> list[int]:
    if form.cleaned_data["all_matching"]:
        _form, orders = filtered_orders(QueryDict(request.POST.get("filter_query", "")))
        return list(orders.values_list("number", flat=True)[:MAX_BATCH])
    return list(dict.fromkeys(form.cleaned_data["orders"]))[:MAX_BATCH]


def _change_status(request, numbers: list[int], to: str):
    if not to:
        messages.error(request, _("Choose the new status."))
        return redirect(_list_url(request))
    result = change_orders_status(numbers, to=to, actor=request.user)
    _report(
        request,
        result,
        done=_("%(count)s order(s) now « %(status)s »: %(numbers)s.")
        % {
            "count": len(result.done),
            "status": Order.Status(to).label,
            "numbers": ", ".join(map(str, result.done)),
        },
    )
    return redirect(_list_url(request))


def _report(request, result, *, done: str) -> None:
    if result.done:
        messages.success(request, done)
    for number, reason in result.refused:
        messages.error(
            request, _("Order %(number)s unchanged: %(reason)s") % {"number": number, "reason": reason}
        )


@staff_required
@require_POST
def order_batch_ship(request):
    """« Marquer comme expédiées »: one carrier, one tracking number per order."""
    form = BatchShipForm(request.POST)
    tracking = {}
    for key, value in request.POST.items():
        if key.startswith("tracking_") and key[9:].isdigit() and len(key) < 30:
            tracking[int(key[9:])] = value[:60]
    if not form.is_valid() or not tracking:
        form_errors(request, form)
        if not tracking:
            messages.error(request, _("Select at least one order."))
        return redirect(_list_url(request))
    result = ship_orders(
        dict(list(tracking.items())[:MAX_BATCH]),
        carrier=form.cleaned_data["carrier"],
        carrier_name=form.cleaned_data["carrier_name"],
        notify_customer=not form.cleaned_data["do_not_notify"],
        actor=request.user,
    )
    _report(
        request,
        result,
        done=_("%(count)s order(s) marked as shipped: %(numbers)s.")
        % {"count": len(result.done), "numbers": ", ".join(map(str, result.done))},
    )
    return redirect(_list_url(request))


@staff_required
def batch_job(request, token):
    """The progress of a batch PDF; the page reloads itself until the file is ready."""
    job = get_object_or_404(BatchJob, token=token)
    return render(
        request,
        "dashboard/orders/batch_job.html",
        {
            "nav": "orders",
            "job": job,
            "running": job.status in (BatchJob.Status.PENDING, BatchJob.Status.RUNNING),
        },
    )


@staff_required
def batch_job_download(request, token):
    job = get_object_or_404(BatchJob, token=token, status=BatchJob.Status.DONE)
    try:
        content = default_storage.open(job.file, "rb")
    except OSError as error:
        raise Http404(_("This file is no longer available.")) from error
    word = _("invoices") if job.kind == BatchJob.Kind.INVOICES else _("packing-slips")
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return FileResponse(content, content_type="application/pdf", filename=f"{word}-{stamp}.pdf")


@staff_required
def order_export(request):
    """« Exporter (CSV) »: the filtered orders (or their lines), streamed."""
    _form, orders = filtered_orders(request.GET)
    export = ExportForm(request.GET)
    export.is_valid()
    decimal = export.cleaned_data.get("decimal") or "comma"
    lines = export.cleaned_data.get("what") == "lines"
    rows = (line_rows if lines else order_rows)(orders, decimal=decimal)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = _("order-lines") if lines else _("orders")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
