"""CSV exports of the order list: one row per order, or one row per order line.

Rows are produced lazily: the orders are read in chunks (``iterator(chunk_size=…)``, with their
taxes, invoice and shipments prefetched per chunk) and each row is written as soon as it is
read, so an export of 100,000 orders streams in bounded memory (docs/BENCHMARKS.md). UTF-8 with
a byte-order mark so that Excel opens accents correctly; decimal comma (with « ; » between the
fields, as Excel in French expects) or decimal point (with « , »).
"""

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.core.i18n import localized
from comptoir.invoicing.pdf import TAX_LABELS
from comptoir.orders.models import Order, OrderLine, OrderTax

from .carriers import carrier_label
from .models import Shipment

CHUNK_SIZE = 2000
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
    """The rows in the active language (kept while the response streams)."""
    return _in_language(translation.get_language(), _order_rows(orders, decimal))


def line_rows(orders: QuerySet[Order], *, decimal: str = "comma") -> Iterator[str]:
    return _in_language(translation.get_language(), _line_rows(orders, decimal))


def _in_language(language: str, rows: Iterator[str]) -> Iterator[str]:
    while True:
        with translation.override(language):
            row = next(rows, None)
        if row is None:
            return
        yield row


def _order_rows(orders: QuerySet[Order], decimal: str) -> Iterator[str]:
    separator, delimiter = csv_dialect(decimal)
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield BOM + writer.writerow(
        [
            _("Number"),
            _("Date"),
            _("Customer"),
            _("Email"),
            _("Province"),
            _("Subtotal"),
            _("Delivery"),
            *[_("Tax %(code)s") % {"code": _tax_name(code)} for code in TAX_CODES],
            _("Total"),
            _("Payment method"),
            _("Paid on"),
            _("Order status"),
            _("Fulfilment"),
            _("Tracking"),
        ]
    )
    address = ["first_name", "last_name", "province"]
    orders = (
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
    statuses, fulfilments = dict(Order.Status.choices), dict(Order.Fulfilment.choices)
    payment_methods = dict(Order.PaymentMethod.choices)
    for order in orders.iterator(chunk_size=CHUNK_SIZE):
        taxes = {tax.code: tax.amount for tax in order.taxes.all()}
        invoice = getattr(order, "invoice", None)
        address = order.shipping_address or order.billing_address
        yield writer.writerow(
            [
                order.number,
                _date(order.placed_at),
                address.full_name,
                order.email,
                order.tax_province or address.province,
                _money(order.subtotal_amount, separator),
                _money(order.shipping_amount + order.insurance_amount, separator),
                *[_money(taxes.get(code), separator) for code in TAX_CODES],
                _money(order.total_amount, separator),
                payment_methods.get(order.payment_method, ""),
                _date(invoice.paid_at) if invoice is not None and invoice.paid_at else "",
                statuses.get(order.status, order.status),
                fulfilments.get(order.fulfilment_state, ""),
                " ".join(
                    f"{carrier_label(s.carrier, s.carrier_name)} {s.tracking_number}".strip()
                    for s in order.active_shipments
                ),
            ]
        )


def _line_rows(orders: QuerySet[Order], decimal: str) -> Iterator[str]:
    separator, delimiter = csv_dialect(decimal)
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield BOM + writer.writerow(
        [
            _("Order number"),
            _("Date"),
            _("SKU"),
            _("Product"),
            _("Quantity"),
            _("Unit price"),
            _("Amount"),
            _("Taxable"),
        ]
    )
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
    yes, no = _("yes"), _("no")
    for line in lines.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(
            [
                line.order.number,
                _date(line.order.placed_at),
                line.sku,
                localized(line, "name"),
                line.quantity,
                _money(line.unit_price_amount, separator),
                _money(line.line_total_amount, separator),
                yes if line.is_taxable else no,
            ]
        )


def _tax_name(code: str) -> str:
    return str(TAX_LABELS.get(code, code))


def _money(value: Decimal | None, separator: str) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", separator)


def _date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
