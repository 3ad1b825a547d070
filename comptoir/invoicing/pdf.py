"""Invoice and credit-note PDFs (WeasyPrint), printed in the invoice's language.

Everything printed comes from the invoice's snapshot (merchant, customer, lines, taxes, totals),
never from the order or the shop settings, so a reprint is identical to the first print apart
from the payment status. The CSS and the logo are inlined: rendering fetches nothing.
"""

import base64
import mimetypes
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.payments.models import Payment

from .models import CreditNote, Invoice

# Letter is the usual paper size in Québec; A4 for merchants who prefer it.
PAGE_SIZES = {"letter": "letter", "a4": "A4"}

TAX_LABELS = {
    "GST": _("GST"),
    "HST": _("HST"),
    "QST": _("QST"),
    "PST": _("PST"),
    "RST": _("RST"),
}

PAYMENT_CHOICES = {
    "": _("None (order details only)"),
    "paypal": _("Credit card via PayPal"),
    "cheque": _("Cheque, money order or transfer"),
    "cod": _("Cash on delivery"),
}


def render_invoice_pdf(invoice: Invoice) -> bytes:
    invoice = (
        Invoice.objects.select_related("order")
        .prefetch_related("lines", "taxes", _payments(), "credit_notes")
        .get(pk=invoice.pk)
    )
    with translation.override(invoice.language):
        context = _common_context(invoice)
        context.update(
            payments=list(invoice.payments.all()),
            taxes=[_tax_row(tax.code, tax.rate, tax.amount) for tax in invoice.taxes.all()],
            credit_note=next(iter(invoice.credit_notes.all()), None),
            document_reference=_css_string(invoice.reference),
        )
        context["balance_amount"] = _balance(invoice, context["payments"])
        html = render_to_string("invoicing/pdf/invoice.html", context)
    return _to_pdf(html)


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    credit_note = (
        CreditNote.objects.select_related("invoice__order")
        .prefetch_related("invoice__lines")
        .get(pk=credit_note.pk)
    )
    invoice = credit_note.invoice
    with translation.override(invoice.language):
        context = _common_context(invoice)
        context.update(
            credit_note=credit_note,
            document_reference=_css_string(credit_note.reference),
            lines=[_reversed(line) for line in context["lines"]],
            taxes=[_tax_row(tax["code"], tax["rate"], tax["amount"]) for tax in credit_note.taxes],
        )
        html = render_to_string("invoicing/pdf/credit_note.html", context)
    return _to_pdf(html)


def _reversed(line) -> SimpleNamespace:
    """A line of the invoice as the credit note prints it: the same goods, a negative amount."""
    return SimpleNamespace(
        description=line.description, sku=line.sku, quantity=line.quantity,
        unit_price_amount=line.unit_price_amount, amount=-line.amount, is_taxable=line.is_taxable,
    )


def _payments() -> Prefetch:
    return Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id"))


def _common_context(invoice: Invoice) -> dict:
    merchant = invoice.merchant
    language = invoice.language
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "merchant": merchant,
        "merchant_address": merchant_address_lines(merchant),
        "footer": merchant.get(f"invoice_footer_{language}") or merchant.get("invoice_footer_fr", ""),
        "logo_data_uri": _logo_data_uri(merchant.get("logo", "")),
        "payment_choice": PAYMENT_CHOICES.get(invoice.payment_method, invoice.payment_method),
        "page_size": PAGE_SIZES.get(getattr(settings, "INVOICE_PAGE_SIZE", "letter"), "letter"),
        "page_counter": _page_counter_css(),
        "language": language,
    }


def _balance(invoice: Invoice, payments: list[Payment]):
    if invoice.status != Invoice.Status.UNPAID:
        return None
    return invoice.total_amount - sum((payment.amount for payment in payments), Decimal(0))


def _tax_row(code, rate, amount) -> dict:
    return {"label": TAX_LABELS.get(code, code), "rate": _decimal(rate), "amount": _decimal(amount)}


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def merchant_address_lines(merchant: dict) -> list[str]:
    """The merchant's address from a business snapshot: « 1234, rue X », « Montréal (QC)  H2X 3J8 »."""
    city = merchant.get("city", "")
    province = f"({merchant['province']})" if city and merchant.get("province") else ""
    city_line = f"{city} {province}".strip()
    city_line = f"{city_line}  {merchant.get('postal_code', '')}".strip()
    lines = [merchant.get("address_line1", ""), merchant.get("address_line2", ""), city_line]
    return [line for line in lines if line]


def _page_counter_css() -> str:
    """« Page 1 de 2 »: the translated sentence turned into a CSS ``content`` value."""
    sentence = _css_string(gettext("Page %(page)s of %(pages)s"))
    return sentence.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')


def _css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string (for ``content`` in the page margins)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _logo_data_uri(name: str) -> str:
    """The merchant's logo from storage as a data URI (empty when there is none or it is gone)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as logo:
            content = logo.read()
    except OSError:
        return ""
    content_type = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def _to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment

    return HTML(string=html, base_url=None).write_pdf()
