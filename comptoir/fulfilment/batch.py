"""Batch work of the order list: print many invoices or packing slips as one PDF, ship many
orders, change the status of many orders.

Each order of a batch goes through the same service as one at a time, in its own transaction: an
order that is refused is listed with the reason and nothing changes for it; the others go on.
A PDF of many orders is rendered by a background task (``BatchJob``), not by the web worker.
"""

import logging
from dataclasses import dataclass, field
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from comptoir.core.errors import DomainError
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.pdf import render_invoice_pdf
from comptoir.invoicing.services import change_order_status
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order

from .models import BatchJob
from .pdf import merge_pdfs, packing_slip_html, packing_slip_orders, write_pdf
from .services import Parcel, ship_order

logger = logging.getLogger("comptoir.fulfilment")

MAX_BATCH = 200
PROGRESS_EVERY = 10  # orders rendered between two saves of the progress


@dataclass
class BatchResult:
    done: list[int] = field(default_factory=list)  # order numbers
    refused: list[tuple[int, str]] = field(default_factory=list)  # (order number, reason)


def ship_orders(
    tracking_numbers: dict[int, str],
    *,
    carrier: str,
    carrier_name: str = "",
    notify_customer: bool = True,
    actor,
) -> BatchResult:
    """Mark each order shipped (everything not shipped yet) with its own tracking number."""
    result = BatchResult()
    orders = Order.objects.in_bulk(list(tracking_numbers)[:MAX_BATCH], field_name="number")
    for number, tracking_number in list(tracking_numbers.items())[:MAX_BATCH]:
        order = orders.get(number)
        if order is None:
            result.refused.append((number, _("No order with this number.")))
            continue
        parcel = Parcel(carrier=carrier, tracking_number=tracking_number, carrier_name=carrier_name)
        try:
            ship_order(order, parcel=parcel, notify_customer=notify_customer, actor=actor)
        except DomainError as error:
            result.refused.append((number, str(error)))
        else:
            result.done.append(number)
    return result


def change_orders_status(numbers: list[int], *, to: str, actor) -> BatchResult:
    """The status of each order changed by ``change_order_status``, with its rules."""
    result = BatchResult()
    orders = Order.objects.in_bulk(numbers[:MAX_BATCH], field_name="number")
    for number in numbers[:MAX_BATCH]:
        order = orders.get(number)
        if order is None:
            result.refused.append((number, _("No order with this number.")))
            continue
        if order.status == to:
            result.refused.append(
                (number, _("The order is already « %(status)s ».") % {"status": Order.Status(to).label})
            )
            continue
        try:
            change_order_status(order, to=to, actor=actor)
        except DomainError as error:
            result.refused.append((number, str(error)))
        else:
            result.done.append(number)
    return result


# --- One PDF of many orders --------------------------------------------------------------------


def start_batch_print(numbers: list[int], *, kind: str, actor, language: str) -> BatchJob:
    """Record the job and enqueue its rendering (after commit)."""
    if kind not in BatchJob.Kind.values:
        raise DomainError(_("Unknown document."), code="kind")
    if not numbers:
        raise DomainError(_("Select at least one order."), code="empty")
    with transaction.atomic():
        job = BatchJob.objects.create(
            kind=kind, order_numbers=list(numbers)[:MAX_BATCH], created_by=actor, language=language
        )
        _schedule(job.pk)
    return job


def _schedule(job_id: int) -> None:
    from .tasks import render_batch_job_task

    if isinstance(render_batch_job_task.get_backend(), DatabaseBackend):
        render_batch_job_task.enqueue(job_id)  # committed with the job row
    else:
        transaction.on_commit(partial(render_batch_job_task.enqueue, job_id), robust=True)


def render_batch_job(job_id: int) -> str:
    """Render the job's PDF (idempotent: a job already done or failed is left alone)."""
    with transaction.atomic():
        job = BatchJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (BatchJob.Status.DONE, BatchJob.Status.FAILED):
            return "skipped"
        job.status, job.done_count = BatchJob.Status.RUNNING, 0
        job.save(update_fields=["status", "done_count"])
    try:
        documents, skipped = _render_documents(job)
        if not documents:
            raise DomainError(_("None of the selected orders has this document."), code="nothing")
        name = default_storage.save(f"batches/{job.token}.pdf", ContentFile(merge_pdfs(documents)))
    except Exception as error:  # the page shows the failure; the merchant may ask again
        logger.exception("Batch job %s failed", job_id)
        BatchJob.objects.filter(pk=job_id).update(
            status=BatchJob.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return "failed"
    BatchJob.objects.filter(pk=job_id).update(
        status=BatchJob.Status.DONE,
        file=name,
        skipped=skipped,
        done_count=job.total,
        finished_at=timezone.now(),
    )
    return "done"


def _render_documents(job: BatchJob) -> tuple[list[bytes], list[dict]]:
    documents, skipped = [], []
    if job.kind == BatchJob.Kind.INVOICES:
        invoices = {
            invoice.order.number: invoice
            for invoice in Invoice.objects.select_related("order").filter(order__number__in=job.order_numbers)
        }
        for index, number in enumerate(job.order_numbers, start=1):
            if number in invoices:
                documents.append(render_invoice_pdf(invoices[number]))
            else:
                with translation.override(job.language):
                    skipped.append({"number": number, "reason": _("no invoice yet")})
            _progress(job, index)
    else:
        shop = ShopSettings.load()
        for index, order in enumerate(packing_slip_orders(job.order_numbers), start=1):
            documents.append(write_pdf(packing_slip_html(order, shipment=None, shop=shop)))
            _progress(job, index)
    return documents, skipped


def _progress(job: BatchJob, index: int) -> None:
    if index % PROGRESS_EVERY == 0:
        BatchJob.objects.filter(pk=job.pk).update(done_count=index)
