"""Files for the accountant: the tax report and the sales journal as CSV (UTF-8 with a BOM, so
Excel reads the accents; French or English headers; decimal comma with « ; » between columns,
or decimal point with « , ») or as an Excel workbook (openpyxl); a ZIP of the period's PDFs;
the CSV of the customers who agreed to receive news."""

import csv
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from comptoir.core.money import ZERO
from comptoir.core.provinces import Province
from comptoir.customers.models import Customer
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.pdf import render_credit_note_pdf, render_invoice_pdf

from .periods import Period
from .selectors import GST, HST, PROVINCIAL, QST, document_rows, tax_report

MONEY_FORMAT = "#,##0.00"


def status_label(status: str) -> str:
    labels = {"paid": _("Paid"), "unpaid": _("Unpaid"), "cancelled": _("Cancelled"),
              "credit_note": _("Credit note")}
    return str(labels.get(status, status))


def province_label(code: str) -> str:
    return str(Province(code).label) if code in Province.values else _("Outside Canada")


def tax_report_rows(period: Period) -> list[tuple[str, str, Decimal]]:
    """(line of the return, label, amount) of the report, in the active language."""
    report = tax_report(period)
    rows = [
        ("101", _("Total supplies (sales before taxes)"), report.total_supplies_amount),
        ("", _("Taxable sales"), report.taxable_amount),
        ("", _("Zero-rated sales (basic groceries, exports)"), report.zero_rated_amount),
        ("", _("Exempt sales (not on the return)"), report.exempt_amount),
        ("", _("GST collected"), report.gst_amount),
    ]
    rows += [("", _("HST collected — %(province)s") % {"province": province_label(province)}, amount)
             for province, amount in sorted(report.hst_by_province.items())]
    rows.append(("103", _("GST/HST collected"), report.gst_hst_amount))
    rows.append(("203", _("QST collected"), report.qst_amount))
    rows += [("", _("PST collected — %(province)s") % {"province": province_label(province)}, amount)
             for province, amount in sorted(report.pst_by_province.items())]
    return rows


JOURNAL_TAXES = (GST, HST, QST)


def journal_header() -> list[str]:
    return [_("Document"), _("Date"), _("Invoice"), _("Order"), _("Customer"), _("Province"),
            _("Subtotal"), _("GST"), _("HST"), _("QST"), _("PST"), _("Total"), _("Payment status")]


def journal_rows(period: Period, progress: Callable[[int, int], None] | None = None) -> list[list]:
    """One row per invoice and credit note, then a totals row."""
    documents = document_rows(period)
    rows, totals = [], [ZERO] * 6
    for index, row in enumerate(documents, start=1):
        pst = sum((row.taxes.get(code, ZERO) for code in PROVINCIAL), ZERO)
        amounts = [row.pre_tax_amount, *(row.taxes.get(code, ZERO) for code in JOURNAL_TAXES), pst,
                   row.total_amount]
        totals = [total + amount for total, amount in zip(totals, amounts, strict=True)]
        rows.append([row.reference, timezone.localtime(row.issued_at).date(), row.invoice_reference,
                     row.order_number, row.customer_name, province_label(row.province), *amounts,
                     status_label(row.status)])
        if progress and index % 500 == 0:
            progress(index, len(documents))
    rows.append([_("Total"), "", "", "", "", "", *totals, ""])
    return rows


def _cell(value, decimal_comma: bool) -> str:
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if decimal_comma else text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


def to_csv(header: list[str], rows: list[list], *, decimal_comma: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value, decimal_comma) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif hasattr(cell.value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tax_report_file(period: Period, *, file_format: str, language: str, decimal_comma: bool) -> bytes:
    with translation.override(language):
        header = [_("Line of the return"), _("Figure"), _("Amount")]
        rows = [[line, label, amount] for line, label, amount in tax_report_rows(period)]
        if file_format == "xlsx":
            return to_xlsx(_("Tax report"), header, rows)
        return to_csv(header, rows, decimal_comma=decimal_comma)


def journal_file(period: Period, *, file_format: str, language: str, decimal_comma: bool,
                 progress=None) -> bytes:
    with translation.override(language):
        header, rows = journal_header(), journal_rows(period, progress)
        if file_format == "xlsx":
            return to_xlsx(_("Sales journal"), header, rows)
        return to_csv(header, rows, decimal_comma=decimal_comma)


def news_customers_file(*, language: str, decimal_comma: bool) -> bytes:
    """Only the customers who ticked the news checkbox, with when and the words they agreed to."""
    customers = Customer.objects.filter(news_consent_at__isnull=False).order_by("email", "pk")
    with translation.override(language):
        header = [_("Email"), _("First name"), _("Last name"), _("Language"), _("Agreed on"),
                  _("Wording agreed to")]
        rows = [[c.email, c.first_name, c.last_name, c.language,
                 timezone.localtime(c.news_consent_at).isoformat(timespec="seconds"), c.news_consent_wording]
                for c in customers.iterator()]
        return to_csv(header, rows, decimal_comma=decimal_comma)


def pdf_archive(period: Period, *, language: str, progress=None) -> bytes:
    """A ZIP of the invoice and credit-note PDFs of the period (each in its document's language)."""
    start, end = period.bounds()
    invoices = list(Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).order_by("number"))
    notes = list(CreditNote.objects.filter(issued_at__gte=start, issued_at__lt=end).order_by("number"))
    total = len(invoices) + len(notes)
    buffer = io.BytesIO()
    with translation.override(language), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        folders = (_("invoices"), _("credit-notes"))
        done = 0
        for folder, documents, render in ((folders[0], invoices, render_invoice_pdf),
                                          (folders[1], notes, render_credit_note_pdf)):
            for document in documents:
                archive.writestr(f"{folder}/{document.reference}.pdf", render(document))
                done += 1
                if progress and (done % 10 == 0 or done == total):
                    progress(done, total)
    return buffer.getvalue()
