"""Invoice and credit-note PDFs (WeasyPrint), printed in the invoice's language.

Everything printed comes from the invoice's snapshot (merchant, customer, lines, taxes, totals),
never from the order or the shop settings, so a reprint is identical to the first print apart
from the payment status.

The costly work is done once per process, not at each render (figures in docs/BENCHMARKS.md,
« Invoice PDF »): the font configuration (WeasyPrint loads and measures the fonts once per
configuration), the stylesheet (parsed once; only the small ``@page`` rule, with the document
reference and the translated page numbering, is in each document) and the logo (read, decoded
and scaled once per version of its file). Rendering fetches nothing: the only resource a
document refers to is its logo, served from memory.
"""

import functools
import hashlib
import io
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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

# The customer's choice at checkout, as printed; an order placed for its details only (no
# method chosen) prints how to pay instead.
PAYMENT_CHOICES = {
    "paypal": _("Credit card via PayPal"),
    "cheque": _("Cheque, money order or transfer"),
    "interac": _("Interac e-Transfer"),
    "cod": _("Cash on delivery"),
}


def pdf_response(content: bytes, *, kind: str, reference: str) -> HttpResponse:
    """A PDF shown in the browser, its file named after the document in the current language
    (« facture-F-000123.pdf », « note-de-credit-NC-000004.pdf »)."""
    words = {"invoice": gettext("invoice"), "credit-note": gettext("credit-note")}
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{words[kind]}-{reference}.pdf"'
    return response


def render_invoice_pdf(invoice: Invoice, *, payment_url: str = "") -> bytes:
    """The invoice PDF; ``payment_url``: its online payment page, printed while a balance is
    due (the caller knows whether one applies: ``payments.links.payment_url``)."""
    invoice = (
        Invoice.objects.select_related("order")
        .prefetch_related("lines", "taxes", "payments", "credit_notes")
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
        context["balance_amount"] = _balance(invoice)
        context["payment_url"] = payment_url if context["balance_amount"] else ""
        html = render_to_string("invoicing/pdf/invoice.html", context)
    return _to_pdf(html, context["logo"])


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    credit_note = (
        CreditNote.objects.select_related("invoice__order")
        .prefetch_related("invoice__lines", "lines")
        .get(pk=credit_note.pk)
    )
    invoice = credit_note.invoice
    with translation.override(invoice.language):
        context = _common_context(invoice)
        context.update(
            credit_note=credit_note,
            document_reference=_css_string(credit_note.reference),
            # The goods it credits (fees are in the totals); a credit note without lines (issued
            # before credit notes had lines) cancelled its invoice in full.
            lines=([line for line in credit_note.lines.all() if line.kind in ("goods", "amount")]
                   if credit_note.lines.all() else [_reversed(line) for line in context["lines"]]),
            cancels_in_full=credit_note.total_amount == -invoice.total_amount,
            taxes=[_tax_row(tax["code"], tax["rate"], tax["amount"]) for tax in credit_note.taxes],
        )
        html = render_to_string("invoicing/pdf/credit_note.html", context)
    return _to_pdf(html, context["logo"])


def _reversed(line) -> SimpleNamespace:
    """A line of the invoice as the credit note prints it: the same goods, a negative amount."""
    return SimpleNamespace(
        description=line.description, sku=line.sku, quantity=line.quantity,
        unit_price_amount=line.unit_price_amount, amount=-line.amount, list_amount=-line.list_amount,
        tax_status=line.tax_status,
    )


def _common_context(invoice: Invoice) -> dict:
    merchant = invoice.merchant
    language = invoice.language
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "has_untaxed": any(line.tax_status != "taxable" for line in invoice.lines.all()),
        "has_exempt": any(line.tax_status == "exempt" for line in invoice.lines.all()),
        "merchant": merchant,
        "merchant_address": merchant_address_lines(merchant),
        "footer": merchant.get(f"invoice_footer_{language}") or merchant.get("invoice_footer_fr", ""),
        "logo": _logo(merchant.get("logo", "")),
        "payment_choice": PAYMENT_CHOICES.get(invoice.payment_method, ""),
        "page_size": PAGE_SIZES.get(getattr(settings, "INVOICE_PAGE_SIZE", "letter"), "letter"),
        "page_counter": _page_counter_css(),
        "language": language,
    }


def _balance(invoice: Invoice):
    if invoice.status != Invoice.Status.UNPAID:
        return None
    return invoice.balance_amount


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


# The logo is printed at most 60 mm wide and 22 mm high (document.css). A larger image is scaled
# down once to 600 dpi of that box (more than a printer shows): a photo of 4000 pixels would
# otherwise be decoded and compressed again at each render.
LOGO_BOX_MM = (60, 22)
LOGO_MAX_DPI = 600


@dataclass(frozen=True, eq=False)
class Logo:
    """A logo ready to print: ``url`` in the document, served from ``content`` by the fetcher;
    ``images`` is WeasyPrint's image cache for it, so it is decoded once, not at each render."""

    url: str
    content: bytes
    content_type: str
    images: dict = field(default_factory=dict)


def _logo(name: str) -> Logo | None:
    """The merchant's logo from storage (None when there is none or it is gone), prepared once
    per version of the file: a new file under the same name has another time or size."""
    if not name:
        return None
    try:
        version = (default_storage.get_modified_time(name), default_storage.size(name))
    except NotImplementedError:  # a storage that cannot tell: the content is the version
        version = _read(name)
    except OSError:
        return None
    if version is None:
        return None
    return _prepared_logo(name, version)


@functools.lru_cache(maxsize=8)
def _prepared_logo(name: str, version) -> Logo | None:
    content = version if isinstance(version, bytes) else _read(name)
    printable = _printable_image(content) if content is not None else None
    if printable is None:
        return None
    content, content_type = printable
    digest = hashlib.sha256(name.encode() + content).hexdigest()[:32]
    return Logo(url=f"comptoir-logo:{digest}", content=content, content_type=content_type)


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as logo:
            return logo.read()
    except OSError:
        return None


def _printable_image(content: bytes) -> tuple[bytes, str] | None:
    """The image as printed: at most 600 dpi in the logo's box, opaque (the paper is white).
    A PNG or JPEG image already within those bounds is kept byte for byte."""
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(content))
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None  # not an image: printed without a logo, like a missing file
    box = [round(mm / 25.4 * LOGO_MAX_DPI) for mm in LOGO_BOX_MM]
    scale = min(1, box[0] / image.width, box[1] / image.height)
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    rotated = image.getexif().get(0x0112, 1) != 1  # EXIF orientation
    source_format = image.format
    if scale == 1 and not transparent and not rotated and source_format in ("PNG", "JPEG"):
        return content, Image.MIME[source_format]
    image = ImageOps.exif_transpose(image)
    if transparent:
        image = image.convert("RGBA")
        opaque = Image.new("RGB", image.size, (255, 255, 255))
        opaque.paste(image, mask=image.getchannel("A"))
        image = opaque
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if source_format == "JPEG" and not transparent:  # a photo stays a JPEG: printed as it is
        image.save(buffer, format="JPEG", quality=95, subsampling=0)
        return buffer.getvalue(), "image/jpeg"
    image.save(buffer, format="PNG")
    return buffer.getvalue(), "image/png"


class _Engine:
    """WeasyPrint's state shared by the renders of this process: one font configuration, the
    parsed stylesheet and the URL fetcher. Renders take turns (a lock): a font configuration is
    not meant for two threads at once, and a render holds the interpreter most of its time."""

    def __init__(self):
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class LogoFetcher(URLFetcher):
            """Serves the logo of the document being rendered from memory and refuses any other
            address: no file, no network; a document is printed from its invoice only."""

            logo: Logo | None = None

            def fetch(self, url, headers=None):
                if self.logo is None or url != self.logo.url:
                    raise ValueError(f"not fetched while printing: {url[:80]}")
                headers = {"Content-Type": self.logo.content_type}
                return URLFetcherResponse(url, self.logo.content, headers)

        self.html_class = HTML
        self.fetcher = LogoFetcher(allowed_protocols=())
        self.lock = threading.Lock()
        self.font_config = FontConfiguration()
        # Given to WeasyPrint as a user stylesheet: the only author rule of a document is its
        # @page rule, which document.css does not set, so the cascade is the same as inline.
        css = render_to_string("invoicing/pdf/document.css")
        self.stylesheet = CSS(string=css, font_config=self.font_config)

    def write_pdf(self, html: str, logo: Logo | None) -> bytes:
        with self.lock:
            self.fetcher.logo = logo
            document = self.html_class(string=html, base_url=None, url_fetcher=self.fetcher)
            return document.write_pdf(
                stylesheets=[self.stylesheet], font_config=self.font_config,
                cache=logo.images if logo else None,
            )


@functools.cache
def _engine() -> _Engine:
    # Built at the first render: loading WeasyPrint takes a moment.
    return _Engine()


def _to_pdf(html: str, logo: Logo | None) -> bytes:
    return _engine().write_pdf(html, logo)
