import io
import re
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from pypdf import PdfReader

from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.invoicing.pdf import render_credit_note_pdf, render_invoice_pdf
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with every kind of space folded into one plain space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def long_date(moment, language):
    with translation.override(language):
        return date_format(localtime(moment), "DATE_FORMAT")


@pytest.fixture
def shop():
    return make_shop(
        neq="1234567890", website="https://delices.test",
        invoice_footer_fr="Paiement dû à la réception de la facture.",
        invoice_footer_en="Payment due upon receipt.",
    )


def quebec_invoice(language="fr", **order_options):
    jam = make_product(price_amount=Decimal("80.00"), name_fr="Confiture de bleuets", name_en="Blueberry jam")
    bread = make_product(price_amount=Decimal("10.00"), is_taxable=False, name_fr="Pain", name_en="Bread")
    order = make_order([(jam, 1), (bread, 2)], language=language, delivery_kind="pickup", **order_options)
    return issue_invoice(order)


def test_french_invoice_shows_everything_quebec_requires(shop):
    invoice = quebec_invoice("fr")
    text = pdf_text(render_invoice_pdf(invoice))

    for expected in [
        "Les Délices du Comptoir inc.", "Délices du Comptoir", "1234, rue Saint-Denis",
        "Montréal (QC) H2X 3J8",
        "514 555-0142", "bonjour@delices.test", "https://delices.test",
        "Nº de TPS/TVH 123456789 RT 0001", "Nº de TVQ 1234567890 TQ 0001", "NEQ 1234567890",
        "FACTURE", invoice.reference, long_date(invoice.issued_at, "fr"), str(invoice.order.number),
        "Marie Tremblay", "4567, avenue du Parc", "Montréal (QC) H2V 4E7", "Cueillette en magasin",
        "Confiture de bleuets", "Pain", "Quantité", "Prix unitaire", "Montant",
        "80,00 $", "10,00 $", "20,00 $", "T : article taxable",
        "Sous-total 100,00 $", "Livraison 0,00 $",
        # Taxes only on the taxable jam: 80.00 → GST 4.00, QST 7.98.
        "TPS 5 % 4,00 $", "TVQ 9,975 % 7,98 $", "Total (CAD) 111,98 $",
        "Mode de paiement choisi : Chèque, mandat-poste ou virement", "Statut : non payée.", "NON PAYÉE",
        "Solde à payer 111,98 $", "Paiement dû à la réception de la facture.", "Page 1 de 1",
    ]:
        assert expected in text, expected
    assert "14,975" not in text and "14.975" not in text
    # The taxable marker is on the jam's line only.
    assert re.search(r"Confiture de bleuets .*? 80,00 \$ T ", text)
    assert not re.search(r"Pain .*? 20,00 \$ T ", text)


def test_english_invoice(shop):
    invoice = quebec_invoice("en")
    text = pdf_text(render_invoice_pdf(invoice))
    for expected in [
        "INVOICE", "Invoice no.", invoice.reference, long_date(invoice.issued_at, "en"), "BILL TO",
        "Blueberry jam", "Bread", "Unit price", "$80.00", "Subtotal $100.00", "GST 5% $4.00",
        "QST 9.975% $7.98", "Total (CAD) $111.98", "UNPAID", "Payment due upon receipt.",
        "GST/HST no. 123456789 RT 0001", "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert "Facture" not in text


def test_paid_invoice_shows_paid_date_and_payments(shop):
    invoice = quebec_invoice("fr")
    record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("11.98"))
    record_payment(invoice, method=Payment.Method.CHEQUE, reference="Chèque 1042")
    invoice.refresh_from_db()
    text = pdf_text(render_invoice_pdf(invoice))
    paid_on = long_date(invoice.paid_at, "fr")
    assert f"PAYÉE LE {paid_on.upper()}" in text
    assert f"Statut : payée le {paid_on}." in text
    assert "Argent comptant 11,98 $" in text
    assert "Chèque (Chèque 1042) 100,00 $" in text
    assert "Solde à payer" not in text


def test_cancelled_invoice_names_its_credit_note(shop):
    invoice = quebec_invoice("fr")
    credit_note = issue_credit_note(invoice)
    invoice.refresh_from_db()
    text = pdf_text(render_invoice_pdf(invoice))
    assert "ANNULÉE" in text
    assert f"Statut : annulée par la note de crédit {credit_note.reference}." in text


def test_hst_is_one_line_with_its_rate(shop):
    product = make_product(price_amount=Decimal("100.00"))
    invoice = issue_invoice(make_order([(product, 1)], province="ON", language="fr"))
    text = pdf_text(render_invoice_pdf(invoice))
    assert "TVH 13 % 14,56 $" in text  # on 100.00 + 12.00 delivery
    assert "TPS" not in text.replace("TPS/TVH", "")
    assert "TVQ 9,975" not in text


def test_credit_note_pdf_refers_to_the_invoice_with_negative_amounts(shop):
    invoice = quebec_invoice("fr")
    credit_note = issue_credit_note(invoice, reason="Commande annulée par le client")
    text = pdf_text(render_credit_note_pdf(credit_note))
    for expected in [
        "NOTE DE CRÉDIT", credit_note.reference, invoice.reference,
        f"Cette note de crédit annule entièrement la facture {invoice.reference}.",
        "Motif : Commande annulée par le client", "-80,00 $", "-20,00 $",
        "Sous-total -100,00 $", "TPS 5 % -4,00 $", "TVQ 9,975 % -7,98 $", "Total (CAD) -111,98 $",
        "Nº de TPS/TVH 123456789 RT 0001", "Page 1 de 1",
    ]:
        assert expected in text, expected


def test_credit_note_in_english(shop):
    credit_note = issue_credit_note(quebec_invoice("en"))
    text = pdf_text(render_credit_note_pdf(credit_note))
    assert "CREDIT NOTE" in text
    assert "Total (CAD) -$111.98" in text


def test_long_invoice_numbers_its_pages(shop):
    products = [(make_product(price_amount=Decimal("5.00")), 1) for _ in range(45)]
    invoice = issue_invoice(make_order(products))
    pages = pdf_pages(render_invoice_pdf(invoice))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} de {len(pages)}" in page
        assert "Description" in page  # the table header repeats on every page
    assert "Total (CAD)" in pages[-1]


def test_logo_from_storage_is_printed(shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
        b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00"
        b"IEND\xaeB`\x82"
    )
    shop.logo.save("logo.png", ContentFile(png))
    invoice = quebec_invoice("fr")
    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    assert len(reader.pages[0].images) == 1

    default_storage.delete(invoice.merchant["logo"])  # a missing file does not break printing
    assert len(PdfReader(io.BytesIO(render_invoice_pdf(invoice))).pages[0].images) == 0


def test_rendering_runs_a_constant_number_of_queries(shop, django_assert_max_num_queries):
    small = issue_invoice(make_order([(make_product(), 1)]))
    large = issue_invoice(make_order([(make_product(), 1) for _ in range(30)]))
    for invoice in (small, large):
        record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("1.00"))
        record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("1.00"))
    for invoice in (small, large):
        with django_assert_max_num_queries(5):
            render_invoice_pdf(invoice)
    note = issue_credit_note(large)
    with django_assert_max_num_queries(3):
        render_credit_note_pdf(note)


def test_warm_render_time_is_reported(shop):
    """Not asserted (timings depend on the machine); printed with ``pytest -s``."""
    invoice = quebec_invoice("fr")
    render_invoice_pdf(invoice)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(5):
        render_invoice_pdf(invoice)
    wall_ms = (time.perf_counter() - wall) / 5 * 1000
    cpu_ms = (time.process_time() - cpu) / 5 * 1000
    print(f"\nwarm invoice PDF render: {wall_ms:.0f} ms elapsed, {cpu_ms:.0f} ms CPU")


@pytest.mark.parametrize(("page_size", "points"), [(None, (612, 792)), ("a4", (595, 842))])
def test_letter_by_default_a4_on_request(shop, settings, page_size, points):
    if page_size:
        settings.INVOICE_PAGE_SIZE = page_size
    box = PdfReader(io.BytesIO(render_invoice_pdf(quebec_invoice("fr")))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
