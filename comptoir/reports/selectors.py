"""The tax report and the sales journal: invoices and credit notes by document date.

The one module that reads the invoicing tables for reports. A document belongs to the period
of its own date (``issued_at`` in the shop's time zone): an invoice of March credited in April
counts in March, and its credit note (negative amounts) in April, each once.

Splitting a document's sales before taxes:
- delivered outside Canada (the order has no tax province): zero-rated export;
- otherwise the invoice's ``zero_rated_amount`` and ``exempt_amount`` (its zero-rated and exempt
  goods with their share of the fees, computed by the tax module at issue) and the rest taxable.
Line 101 (total supplies) counts the taxable and zero-rated sales; exempt sales are not on the
return (QUEBEC.md).
A credit note is split by its own lines: the goods it credits by their tax status, its fees and
amounts like its invoice's fees (``_credit_note_split``); one recorded without lines is split
like its invoice, in proportion. Its taxes are the ones it records.

The totals are sums computed by the database (a fixed number of queries, whatever the period);
``document_rows`` computes the same figures document by document, for the lists behind each
figure and for the exports. Both must agree to the cent (tested).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptoir.core.money import ZERO, quantize
from comptoir.invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, InvoiceTax
from comptoir.taxes.models import TaxStatus

from .models import SummaryDay, TaxDailySummary
from .periods import Period

HST, GST, QST = "HST", "GST", "QST"
PROVINCIAL = ("PST", "RST")


@dataclass
class TaxReport:
    period: Period
    taxable_amount: Decimal = ZERO
    zero_rated_amount: Decimal = ZERO
    exempt_amount: Decimal = ZERO
    gst_amount: Decimal = ZERO
    qst_amount: Decimal = ZERO
    hst_by_province: dict = field(default_factory=dict)
    pst_by_province: dict = field(default_factory=dict)
    invoice_count: int = 0
    credit_note_count: int = 0
    flagged_count: int = 0

    @property
    def total_supplies_amount(self) -> Decimal:
        """Line 101 of the return: the taxable and zero-rated supplies of the period, before
        taxes (exempt supplies are not reported)."""
        return self.taxable_amount + self.zero_rated_amount

    @property
    def hst_amount(self) -> Decimal:
        return sum(self.hst_by_province.values(), ZERO)

    @property
    def gst_hst_amount(self) -> Decimal:
        """Line 103: GST and HST collected."""
        return self.gst_amount + self.hst_amount

    @property
    def pst_amount(self) -> Decimal:
        return sum(self.pst_by_province.values(), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return self.gst_hst_amount + self.qst_amount + self.pst_amount

    def figure(self, key: str) -> Decimal:
        return _figure(key, {
            "sales": self.total_supplies_amount, "taxable": self.taxable_amount,
            "zero_rated": self.zero_rated_amount, "exempt": self.exempt_amount,
            "GST": self.gst_amount, "QST": self.qst_amount, "line103": self.gst_hst_amount,
            "taxes": self.tax_total,
        }, self.hst_by_province, self.pst_by_province)


def _figure(key, flat, hst, pst) -> Decimal:
    if key.startswith("HST-"):
        return hst.get(key[4:], ZERO)
    if key.startswith("PST-"):
        return pst.get(key[4:], ZERO)
    return flat[key]


def _between(period: Period, prefix: str = "") -> Q:
    start, end = period.bounds()
    return Q(**{f"{prefix}issued_at__gte": start, f"{prefix}issued_at__lt": end})


def _issued_in(ranges: list[Period], prefix: str = "") -> Q:
    condition = _between(ranges[0], prefix)
    for period in ranges[1:]:
        condition |= _between(period, prefix)
    return condition


def _pre_tax(prefix: str = ""):
    return F(f"{prefix}subtotal_amount") + F(f"{prefix}shipping_amount") + F(f"{prefix}insurance_amount")


def tax_report(period: Period) -> TaxReport:
    """The figures of the period: the days already summarised (``TaxDailySummary``, two
    queries) plus the others read from the documents (three queries per call, whatever their
    number of days)."""
    report = TaxReport(period)
    built = summarised_days(period)
    for row in TaxDailySummary.objects.filter(day__gte=period.start, day__lte=period.end, day__in=built):
        _merge(report, row.province, _from_summary(row))
    for province, part in live_figures(_missing_ranges(period, built)).items():
        _merge(report, province, part)
    return report


def _from_summary(row: TaxDailySummary) -> TaxReport:
    report = TaxReport(
        period=None, taxable_amount=row.taxable_amount, zero_rated_amount=row.zero_rated_amount,
        exempt_amount=row.exempt_amount, gst_amount=row.gst_amount, qst_amount=row.qst_amount,
        invoice_count=row.invoice_count, credit_note_count=row.credit_note_count,
        flagged_count=row.flagged_count,
    )
    if row.hst_amount is not None:
        report.hst_by_province[row.province] = row.hst_amount
    if row.pst_amount is not None:
        report.pst_by_province[row.province] = row.pst_amount
    return report


def summarised_days(period: Period) -> list[datetime.date]:
    """Days of the period whose summary is built. Documents are dated when they are issued and
    never change afterwards, so the summary of a day that is over stays right."""
    return list(
        SummaryDay.objects.filter(day__gte=period.start, day__lte=period.end, day__lt=timezone.localdate())
        .values_list("day", flat=True)
    )


def _missing_ranges(period: Period, built) -> list[Period]:
    built, ranges, day = set(built), [], period.start
    while day <= period.end:
        if day not in built:
            if ranges and ranges[-1].end == day - datetime.timedelta(days=1):
                ranges[-1] = Period(ranges[-1].start, day)
            else:
                ranges.append(Period(day, day))
        day += datetime.timedelta(days=1)
    return ranges


def _merge(report: TaxReport, province: str, part: TaxReport) -> None:
    _add_amounts(report, part.taxable_amount, part.zero_rated_amount, part.exempt_amount)
    report.gst_amount += part.gst_amount
    report.qst_amount += part.qst_amount
    for name in ("hst_by_province", "pst_by_province"):
        if province in getattr(part, name):
            totals = getattr(report, name)
            totals[province] = totals.get(province, ZERO) + getattr(part, name)[province]
    report.invoice_count += part.invoice_count
    report.credit_note_count += part.credit_note_count
    report.flagged_count += part.flagged_count


def live_figures(ranges: list[Period]) -> dict[str, TaxReport]:
    """The figures of the documents dated in ``ranges``, per tax province ("" = export)."""
    if not ranges:
        return {}
    parts = defaultdict(lambda: TaxReport(ranges[0]))
    invoices = Invoice.objects.filter(_issued_in(ranges)).order_by()
    for row in invoices.values(province=F("order__tax_province")).annotate(
        count=Count("pk"), amount=Sum(_pre_tax()), flagged=Count("pk", filter=Q(in_closed_period=True)),
        zero_rated=Sum("zero_rated_amount"), exempt=Sum("exempt_amount"),
    ):
        part = parts[row["province"]]
        part.invoice_count += row["count"]
        part.flagged_count += row["flagged"]
        _add_amounts(part, *_invoice_split(province=row["province"], pre_tax_amount=quantize(row["amount"]),
                                           zero_rated_amount=quantize(row["zero_rated"]),
                                           exempt_amount=quantize(row["exempt"])))
    taxes = InvoiceTax.objects.filter(_issued_in(ranges, "invoice__")).order_by()
    taxes = taxes.values("code", province=F("invoice__order__tax_province")).annotate(amount=Sum("amount"))
    for row in taxes:
        _add_tax(parts[row["province"]], row["code"], row["province"], row["amount"])
    for note in _credit_notes(_issued_in(ranges)):
        part = parts[note.province]
        part.credit_note_count += 1
        part.flagged_count += note.in_closed_period
        _add_amounts(part, *_credit_note_split(note))
        for tax in note.taxes:
            _add_tax(part, tax["code"], note.province, Decimal(tax["amount"]))
    return dict(parts)


def _add_amounts(report: TaxReport, taxable: Decimal, zero_rated: Decimal, exempt: Decimal) -> None:
    report.taxable_amount += taxable
    report.zero_rated_amount += zero_rated
    report.exempt_amount += exempt


def _add_tax(report: TaxReport, code: str, province: str, amount: Decimal) -> None:
    if code == GST:
        report.gst_amount += amount
    elif code == QST:
        report.qst_amount += amount
    elif code == HST:
        report.hst_by_province[province] = report.hst_by_province.get(province, ZERO) + amount
    elif code in PROVINCIAL:
        report.pst_by_province[province] = report.pst_by_province.get(province, ZERO) + amount


def _credit_notes(condition: Q):
    return (
        CreditNote.objects.filter(condition)
        .select_related("invoice", "invoice__order")
        .only(
            "number", "issued_at", "subtotal_amount", "shipping_amount", "insurance_amount",
            "tax_total", "total_amount", "taxes", "in_closed_period", "invoice__number",
            "invoice__customer_name", "invoice__subtotal_amount", "invoice__shipping_amount",
            "invoice__insurance_amount", "invoice__order__tax_province", "invoice__order__number",
            "invoice__zero_rated_amount", "invoice__exempt_amount",
        )
        .annotate(
            province=F("invoice__order__tax_province"),
            has_lines=Exists(CreditNoteLine.objects.filter(credit_note=OuterRef("pk"))),
            credited_zero_rated=_credited_goods(TaxStatus.ZERO_RATED),
            credited_exempt=_credited_goods(TaxStatus.EXEMPT),
            credited_other=_credited_other(),
            invoice_goods_zero_rated=_invoice_goods(TaxStatus.ZERO_RATED),
            invoice_goods_exempt=_invoice_goods(TaxStatus.EXEMPT),
        )
        .order_by("number")
    )


def _credited_goods(status: str):
    """What a credit note credits of goods of one tax status (negative, or zero)."""
    lines = (
        CreditNoteLine.objects.filter(credit_note=OuterRef("pk"), kind=CreditNoteLine.Kind.GOODS,
                                      tax_status=status)
        .order_by().values("credit_note").annotate(total=Sum("amount")).values("total")
    )
    return Coalesce(Subquery(lines), Value(ZERO))


def _credited_other():
    """What a credit note credits besides goods: delivery and insurance fees, amounts."""
    lines = (
        CreditNoteLine.objects.filter(credit_note=OuterRef("pk")).exclude(kind=CreditNoteLine.Kind.GOODS)
        .order_by().values("credit_note").annotate(total=Sum("amount")).values("total")
    )
    return Coalesce(Subquery(lines), Value(ZERO))


def _invoice_goods(status: str):
    """The goods of one tax status of the credit note's invoice (what was paid for them)."""
    lines = (
        InvoiceLine.objects.filter(invoice=OuterRef("invoice_id"), tax_status=status)
        .order_by().values("invoice").annotate(total=Sum("amount")).values("total")
    )
    return Coalesce(Subquery(lines), Value(ZERO))


def _invoice_split(*, province, pre_tax_amount, zero_rated_amount, exempt_amount):
    """(taxable, zero-rated, exempt) of an invoice (or of a sum of invoices of one province)."""
    if not province:
        return ZERO, pre_tax_amount, ZERO
    return pre_tax_amount - zero_rated_amount - exempt_amount, zero_rated_amount, exempt_amount


def _credit_note_split(note: CreditNote):
    """(taxable, zero-rated, exempt) of a credit note (negative amounts).

    A credit note with lines is split by its own lines: the goods it credits by their tax
    status; its fees and amounts like the fees of its invoice (the share of the invoice's fees
    that the tax module counted zero-rated or exempt at issue; an invoice without fees lends the
    share of its whole amount). Exports are zero-rated. A credit note recorded without lines
    (before credit notes had lines, when they always credited a whole invoice) is split like its
    invoice, in proportion of its amount before taxes. Its taxes are the ones it records."""
    invoice = note.invoice
    invoice_pre_tax = invoice.subtotal_amount + invoice.shipping_amount + invoice.insurance_amount
    pre_tax = note.subtotal_amount + note.shipping_amount + note.insurance_amount
    if not note.province:
        return ZERO, pre_tax, ZERO
    if note.has_lines:
        fees = invoice.shipping_amount + invoice.insurance_amount
        if fees:
            base = fees
            zero_share = invoice.zero_rated_amount - quantize(note.invoice_goods_zero_rated)
            exempt_share = invoice.exempt_amount - quantize(note.invoice_goods_exempt)
        else:
            base, zero_share, exempt_share = invoice_pre_tax, invoice.zero_rated_amount, invoice.exempt_amount
        other = quantize(note.credited_other)
        zero_rated = quantize(note.credited_zero_rated)
        exempt = quantize(note.credited_exempt)
        if base:
            zero_rated += quantize(other * zero_share / base)
            exempt += quantize(other * exempt_share / base)
        return pre_tax - zero_rated - exempt, zero_rated, exempt
    _taxable, zero_rated, exempt = _invoice_split(
        province=note.province, pre_tax_amount=invoice_pre_tax,
        zero_rated_amount=invoice.zero_rated_amount, exempt_amount=invoice.exempt_amount,
    )
    if not invoice_pre_tax:
        return pre_tax, ZERO, ZERO
    zero_rated = quantize(pre_tax * zero_rated / invoice_pre_tax)
    exempt = quantize(pre_tax * exempt / invoice_pre_tax)
    return pre_tax - zero_rated - exempt, zero_rated, exempt


@dataclass
class DocumentRow:
    """One invoice or credit note with the figures it adds to the report."""

    kind: str  # "invoice" | "credit_note"
    number: int
    reference: str
    issued_at: datetime.datetime
    customer_name: str
    province: str  # "" = outside Canada
    order_number: int
    invoice_reference: str
    status: str
    pre_tax_amount: Decimal
    taxable_amount: Decimal
    zero_rated_amount: Decimal
    exempt_amount: Decimal
    taxes: dict  # code -> amount
    tax_total: Decimal
    total_amount: Decimal
    in_closed_period: bool

    def figure(self, key: str) -> Decimal:
        taxes = self.taxes
        hst = {self.province: taxes.get(HST, ZERO)} if HST in taxes else {}
        pst = {self.province: sum((taxes.get(code, ZERO) for code in PROVINCIAL), ZERO)} if any(
            code in taxes for code in PROVINCIAL) else {}
        return _figure(key, {
            "sales": self.taxable_amount + self.zero_rated_amount, "taxable": self.taxable_amount,
            "zero_rated": self.zero_rated_amount, "exempt": self.exempt_amount,
            "GST": taxes.get(GST, ZERO), "QST": taxes.get(QST, ZERO),
            "line103": taxes.get(GST, ZERO) + taxes.get(HST, ZERO),
            "taxes": sum((taxes.get(code, ZERO) for code in (GST, HST, QST, *PROVINCIAL)), ZERO),
        }, hst, pst)


def document_rows(period: Period) -> list[DocumentRow]:
    """Every invoice and credit note of the period, by date then number (four queries)."""
    invoices = list(
        Invoice.objects.filter(_between(period))
        .annotate(province=F("order__tax_province"), order_number=F("order__number"))
        .values(
            "pk", "number", "issued_at", "customer_name", "province", "order_number", "status",
            "subtotal_amount", "shipping_amount", "insurance_amount", "tax_total", "total_amount",
            "in_closed_period", "zero_rated_amount", "exempt_amount",
        )
        .order_by("issued_at", "number")
    )
    taxes = defaultdict(lambda: defaultdict(lambda: ZERO))
    invoice_taxes = InvoiceTax.objects.filter(_between(period, "invoice__"))
    for tax in invoice_taxes.values("invoice_id", "code", "amount"):
        taxes[tax["invoice_id"]][tax["code"]] += tax["amount"]
    rows = [_invoice_row(invoice, taxes[invoice["pk"]]) for invoice in invoices]
    rows += [_credit_note_row(note) for note in _credit_notes(_between(period))]
    rows.sort(key=lambda row: (row.issued_at, row.kind, row.number))
    return rows


def _invoice_row(invoice: dict, taxes: dict) -> DocumentRow:
    fees = invoice["shipping_amount"] + invoice["insurance_amount"]
    pre_tax = invoice["subtotal_amount"] + fees
    taxable, zero_rated, exempt = _invoice_split(
        province=invoice["province"], pre_tax_amount=pre_tax, zero_rated_amount=invoice["zero_rated_amount"],
        exempt_amount=invoice["exempt_amount"],
    )
    reference = f"F-{invoice['number']:06d}"
    return DocumentRow(
        kind="invoice", number=invoice["number"], reference=reference, issued_at=invoice["issued_at"],
        customer_name=invoice["customer_name"], province=invoice["province"],
        order_number=invoice["order_number"], invoice_reference=reference, status=invoice["status"],
        pre_tax_amount=pre_tax, taxable_amount=taxable, zero_rated_amount=zero_rated, exempt_amount=exempt,
        taxes=dict(taxes), tax_total=invoice["tax_total"], total_amount=invoice["total_amount"],
        in_closed_period=invoice["in_closed_period"],
    )


def _credit_note_row(note: CreditNote) -> DocumentRow:
    taxable, zero_rated, exempt = _credit_note_split(note)
    taxes = {}
    for tax in note.taxes:
        taxes[tax["code"]] = taxes.get(tax["code"], ZERO) + Decimal(tax["amount"])
    return DocumentRow(
        kind="credit_note", number=note.number, reference=note.reference, issued_at=note.issued_at,
        customer_name=note.invoice.customer_name, province=note.province,
        order_number=note.invoice.order.number, invoice_reference=note.invoice.reference,
        status="credit_note", pre_tax_amount=taxable + zero_rated + exempt, taxable_amount=taxable,
        zero_rated_amount=zero_rated, exempt_amount=exempt, taxes=taxes, tax_total=note.tax_total,
        total_amount=note.total_amount, in_closed_period=note.in_closed_period,
    )


def documents_for_figure(period: Period, key: str) -> list[DocumentRow]:
    """The documents that make one figure of the report (those adding a non-zero amount)."""
    return [row for row in document_rows(period) if row.figure(key)]


def figure_keys(report: TaxReport) -> list[str]:
    keys = ["sales", "taxable", "zero_rated", "exempt", "GST", "QST", "line103", "taxes"]
    keys += [f"HST-{province}" for province in sorted(report.hst_by_province)]
    keys += [f"PST-{province}" for province in sorted(report.pst_by_province)]
    return keys
