"""CSV exports of the order list: one row per order, or one row per order line.

Rows are produced lazily: the orders are read as plain values in chunks (``iterator(chunk_size=…)``,
with their taxes and shipments read per chunk) and written out a few hundred rows at a time,
so an export of 100,000 orders streams in bounded memory (docs/BENCHMARKS.md). UTF-8 with a
byte-order mark so that Excel opens accents correctly; decimal comma (with « ; » between the
fields, as Excel in French expects) or decimal point (with « , »).

Every label is translated when the export starts (in the request's language), not while the
response streams.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.i18n import current_language
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
    rows = (
        _order_row(order, taxes, shipments, separator, labels) for order, taxes, shipments in _orders(orders)
    )
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
        .order_by("-order__number", "position", "id")
        .values_list(
            "order__number",
            "order__placed_at",
            "sku",
            "name_fr",
            "name_en",
            "quantity",
            "unit_price_amount",
            "line_total_amount",
            "tax_status",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    english = language == "en"
    rows = (
        [
            number,
            _date(placed_at),
            sku,
            (name_en if english and name_en else name_fr),
            quantity,
            _money(unit_price, separator),
            _money(amount, separator),
            yes if tax_status == "taxable" else no,
        ]
        for number, placed_at, sku, name_fr, name_en, quantity, unit_price, amount, tax_status in lines
    )
    return _chunks(writer=csv.writer(_Echo(), delimiter=delimiter), header=header, rows=rows)


ORDER_FIELDS = [
    "pk",
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
    "shipping_address__first_name",
    "shipping_address__last_name",
    "shipping_address__province",
    "billing_address__first_name",
    "billing_address__last_name",
    "billing_address__province",
]


def _orders(orders: QuerySet[Order]) -> Iterator[tuple[dict, dict, list]]:
    """(order, its taxes by code, its active shipments) newest first. The orders are read as
    plain values through a cursor, ``CHUNK_SIZE`` at a time; the taxes and shipments of each
    chunk in one query each."""
    rows = orders.order_by("-number").values(*ORDER_FIELDS)
    rows = rows.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row["pk"] for row in chunk]
        taxes: dict[int, dict] = defaultdict(dict)
        for order_id, code, amount in OrderTax.objects.filter(order_id__in=ids).values_list(
            "order_id", "code", "amount"
        ):
            taxes[order_id][code] = amount
        shipments: dict[int, list] = defaultdict(list)
        active = Shipment.objects.filter(order_id__in=ids, status=Shipment.Status.ACTIVE).order_by("number")
        for order_id, *parcel in active.values_list("order_id", "carrier", "carrier_name", "tracking_number"):
            shipments[order_id].append(parcel)
        for row in chunk:
            yield row, taxes[row["pk"]], shipments[row["pk"]]


def _order_row(order: dict, taxes: dict, shipments: list, separator: str, labels: dict) -> list:
    prefix = "shipping_address__" if order["shipping_address__province"] else "billing_address__"
    name = f"{order[prefix + 'first_name']} {order[prefix + 'last_name']}".strip()
    carriers = labels["carrier"]
    tracking = " ".join(
        f"{carrier_name or carriers.get(carrier, '')} {number}".strip()
        for carrier, carrier_name, number in shipments
    )
    return [
        order["number"],
        _date(order["placed_at"]),
        name,
        order["email"],
        order["tax_province"] or order[prefix + "province"],
        _money(order["subtotal_amount"], separator),
        _money(order["shipping_amount"] + order["insurance_amount"], separator),
        *[_money(taxes.get(code), separator) for code in TAX_CODES],
        _money(order["total_amount"], separator),
        labels["payment"].get(order["payment_method"], ""),
        _date(order["invoice__paid_at"]),
        labels["status"].get(order["status"], order["status"]),
        labels["fulfilment"].get(order["fulfilment_state"], ""),
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
