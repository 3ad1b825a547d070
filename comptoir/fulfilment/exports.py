"""CSV exports of the order list: one row per order, or one row per order line.

Rows are produced lazily: the orders are read in chunks (``iterator(chunk_size=…)``, with their
taxes, invoice and shipments prefetched per chunk) and written out a few hundred rows at a time,
so an export of 100,000 orders streams in bounded memory (docs/BENCHMARKS.md). UTF-8 with a
byte-order mark so that Excel opens accents correctly; decimal comma (with « ; » between the
fields, as Excel in French expects) or decimal point (with « , »).

Every label is translated when the export starts (in the request's language), not while the
response streams.
"""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.i18n import current_language, localized
from comptoir.invoicing.pdf import TAX_LABELS
from comptoir.orders.models import Order, OrderLine, OrderTax

from .carriers import Carrier
from .models import Shipment

CHUNK_SIZE = 2000  # rows read from the database at a time
ROWS_PER_WRITE = 500  # rows sent to the client at a time
BOM = "\ufeff"
TAX_CODES = ["GST", "HST", "QST", "PST"]


class _Echo:
    """A file-like object that returns what is written to it (csv.writer -> one string)."""

    def write(self, value: str) -> str:
        return value


def csv_dialect(decimal: str) -> tuple[str, str]:
    """(decimal separator, field delimiter)."""
    return (",", ";") if decimal == "comma" else (".", ",")


def order_rows(orders: QuerySet[Order], *, decimal: str = "comma") -> Iterator[str]:
    separator, delimiter = csv_dialect(decimal)
    header = [
        _("Number"),
        _("Date"),
        _("Customer"),
        _("Email"),
        _("Province"),
        _("Subtotal"),
        _("Delivery"),
        *[_("Tax %(code)s") % {"code": TAX_LABELS.get(code, code)} for code in TAX_CODES],
        _("Total"),
        _("Payment method"),
        _("Paid on"),
        _("Order status"),
        _("Fulfilment"),
        _("Tracking"),
    ]
    labels = {
        "status": {value: str(label) for value, label in Order.Status.choices},
        "fulfilment": {value: str(label) for value, label in Order.Fulfilment.choices},
        "payment": {value: str(label) for value, label in Order.PaymentMethod.choices if value},
        "carrier": {value: str(label) for value, label in Carrier.choices},
    }
    writer = csv.writer(_Echo(), delimiter=delimiter)
    rows = (_order_row(order, separator, labels) for order in _orders(orders).iterator(chunk_size=CHUNK_SIZE))
    return _chunks(writer, [str(label) for label in header], rows)


def line_rows(orders: QuerySet[Order], *, decimal: str = "comma") -> Iterator[str]:
    separator, delimiter = csv_dialect(decimal)
    header = [
        _("Order number"),
        _("Date"),
        _("SKU"),
        _("Product"),
        _("Quantity"),
        _("Unit price"),
        _("Amount"),
        _("Taxable"),
    ]
    yes, no, language = _("yes"), _("no"), current_language()
    lines = (
        OrderLine.objects.filter(order__in=orders.order_by().values("pk"))
        .select_related("order")
        .only(
            "sku",
            "name_fr",
            "name_en",
            "quantity",
            "unit_price_amount",
            "line_total_amount",
            "is_taxable",
            "order__number",
            "order__placed_at",
        )
        .order_by("-order__number", "position", "id")
    )
    rows = (
        [
            line.order.number,
            _date(line.order.placed_at),
            line.sku,
            localized(line, "name", language),
            line.quantity,
            _money(line.unit_price_amount, separator),
            _money(line.line_total_amount, separator),
            yes if line.is_taxable else no,
        ]
        for line in lines.iterator(chunk_size=CHUNK_SIZE)
    )
    return _chunks(writer=csv.writer(_Echo(), delimiter=delimiter), header=header, rows=rows)


def _orders(orders: QuerySet[Order]) -> QuerySet[Order]:
    address = ["first_name", "last_name", "province"]
    return (
        orders.select_related(None)
        .select_related("invoice", "billing_address", "shipping_address")
        .only(  # replaces the list's own selection of columns
            "number",
            "placed_at",
            "email",
            "tax_province",
            "subtotal_amount",
            "shipping_amount",
            "insurance_amount",
            "total_amount",
            "payment_method",
            "status",
            "fulfilment_state",
            "invoice__paid_at",
            *[f"{kind}_address__{name}" for kind in ("billing", "shipping") for name in address],
        )
        .prefetch_related(
            Prefetch("taxes", queryset=OrderTax.objects.only("order_id", "code", "amount")),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.filter(status=Shipment.Status.ACTIVE)
                .only("order_id", "number", "carrier", "carrier_name", "tracking_number")
                .order_by("number"),
                to_attr="active_shipments",
            ),
        )
        .order_by("-number")
    )


def _order_row(order: Order, separator: str, labels: dict) -> list:
    taxes = {tax.code: tax.amount for tax in order.taxes.all()}
    invoice = getattr(order, "invoice", None)
    address = order.shipping_address or order.billing_address
    carriers = labels["carrier"]
    tracking = " ".join(
        f"{s.carrier_name or carriers.get(s.carrier, '')} {s.tracking_number}".strip()
        for s in order.active_shipments
    )
    return [
        order.number,
        _date(order.placed_at),
        address.full_name,
        order.email,
        order.tax_province or address.province,
        _money(order.subtotal_amount, separator),
        _money(order.shipping_amount + order.insurance_amount, separator),
        *[_money(taxes.get(code), separator) for code in TAX_CODES],
        _money(order.total_amount, separator),
        labels["payment"].get(order.payment_method, ""),
        _date(invoice.paid_at) if invoice is not None and invoice.paid_at else "",
        labels["status"].get(order.status, order.status),
        labels["fulfilment"].get(order.fulfilment_state, ""),
        tracking,
    ]


def _chunks(writer, header: list, rows: Iterable[list]) -> Iterator[str]:
    """The BOM and the header, then the rows, ``ROWS_PER_WRITE`` at a time."""
    yield BOM + writer.writerow(header)
    batch = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) == ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _money(value: Decimal | None, separator: str) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", separator)


def _date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
