"""Packing slips (« Bordereau d'expédition ») and the PDFs of many orders at once.

A packing slip prints the shop (logo, address), the ship-to address, the order number, the
delivery method, the lines and quantities without prices, and the parcel's note, in the
customer's language. It is rendered by the invoices' WeasyPrint engine (invoicing.pdf): the same
fonts, stylesheet and logo prepared once per process.
"""

import io

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from comptoir.core.i18n import localized
from comptoir.invoicing import pdf as invoice_pdf
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order, OrderLine

from .models import Shipment


def packing_slip_orders(numbers) -> list[Order]:
    """The orders of ``numbers`` (in that order) with what their packing slips print, in 2 queries."""
    numbers = list(numbers)
    position = {number: index for index, number in enumerate(numbers)}
    orders = (
        Order.objects.filter(number__in=numbers)
        .select_related("billing_address", "shipping_address")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")))
    )
    return sorted(orders, key=lambda order: position[order.number])


def render_packing_slip(
    order: Order, *, shipment: Shipment | None = None, shop: ShopSettings | None = None
) -> bytes:
    """The packing slip of ``order`` (all its lines) or of one of its shipments."""
    return write_pdf(packing_slip_html(order, shipment=shipment, shop=shop or ShopSettings.load()))


def packing_slip_html(order: Order, *, shipment: Shipment | None, shop: ShopSettings) -> tuple[str, object]:
    merchant = shop.business_snapshot()
    language = order.language
    if shipment is None:
        lines = [(line, line.quantity) for line in order.lines.all()]
    else:
        by_id = {line.pk: line for line in order.lines.all()}
        lines = [
            (by_id[item.order_line_id], item.quantity)
            for item in shipment.lines.all()
            if item.order_line_id in by_id
        ]
    logo = invoice_pdf._logo(merchant.get("logo", ""))
    with translation.override(language):
        reference = f"{order.number}" + (f"-{shipment.number}" if shipment else "")
        html = render_to_string(
            "fulfilment/pdf/packing_slip.html",
            {
                "order": order,
                "shipment": shipment,
                "language": language,
                "merchant": merchant,
                "merchant_address": invoice_pdf.merchant_address_lines(merchant),
                "logo": logo,
                "lines": [
                    {"name": localized(line, "name", language), "sku": line.sku, "quantity": quantity}
                    for line, quantity in lines
                ],
                "address": (order.shipping_address or order.billing_address).lines(),
                "delivery_name": localized(order, "delivery_name", language),
                "page_size": invoice_pdf.PAGE_SIZES.get(
                    getattr(settings, "INVOICE_PAGE_SIZE", "letter"), "letter"
                ),
                "page_counter": invoice_pdf._page_counter_css(),
                "document_reference": invoice_pdf._css_string(reference),
            },
        )
    return html, logo


def write_pdf(document: tuple[str, object]) -> bytes:
    html, logo = document
    return invoice_pdf._to_pdf(html, logo)


def merge_pdfs(documents) -> bytes:
    """One PDF of the given PDFs, one after the other (each keeps its own page numbering)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for content in documents:
        writer.append(io.BytesIO(content))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
