"""Read queries of the payment pages (constant number of queries whatever the invoice size)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceTax


def invoice_for_payment(token) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("order").prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
            Prefetch("taxes", queryset=InvoiceTax.objects.order_by("position", "id")),
        ),
        payment_token=token,
    )
