"""What the PDF renderer keeps per process (font configuration, stylesheet, logo) must never show
on paper: a changed logo is printed at once, a large or transparent one looks the same, and a
document fetches nothing beyond its own logo."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from comptoir.core.testing import make_order, make_shop
from comptoir.invoicing import pdf
from comptoir.invoicing.pdf import render_credit_note_pdf, render_invoice_pdf
from comptoir.invoicing.services import issue_credit_note, issue_invoice

pytestmark = pytest.mark.django_db


def png(size, colour, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def printed_logo(pdf_bytes: bytes) -> Image.Image:
    images = PdfReader(io.BytesIO(pdf_bytes)).pages[0].images
    assert len(images) == 1
    return images[0].image


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def invoice_with_logo(content: bytes):
    shop = make_shop()
    shop.logo.save("logo.png", ContentFile(content))
    return issue_invoice(make_order())


def replace_file(name: str, content: bytes) -> None:
    """New content under the same name, a few seconds later (as an upload replacing it)."""
    path = Path(default_storage.path(name))
    modified = path.stat().st_mtime + 5
    path.write_bytes(content)
    os.utime(path, (modified, modified))


class CountingStorage:
    """The default storage, counting the files opened through it."""

    def __init__(self, storage):
        self.storage = storage
        self.opened = 0

    def open(self, *args, **kwargs):
        self.opened += 1
        return self.storage.open(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.storage, name)


def test_the_logo_is_read_once_per_version_of_its_file(media, monkeypatch):
    invoice = invoice_with_logo(png((4, 2), "red"))
    storage = CountingStorage(default_storage)
    monkeypatch.setattr(pdf, "default_storage", storage)

    render_invoice_pdf(invoice)
    render_invoice_pdf(invoice)
    render_credit_note_pdf(issue_credit_note(issue_invoice(make_order())))
    assert storage.opened == 1

    replace_file(invoice.merchant["logo"], png((4, 2), "blue"))
    render_invoice_pdf(invoice)
    render_invoice_pdf(invoice)
    assert storage.opened == 2


def test_a_logo_replaced_under_the_same_name_is_printed_at_once(media):
    invoice = invoice_with_logo(png((4, 2), (200, 0, 0)))
    assert printed_logo(render_invoice_pdf(invoice)).getpixel((0, 0)) == (200, 0, 0)

    replace_file(invoice.merchant["logo"], png((4, 2), (0, 0, 200)))
    assert printed_logo(render_invoice_pdf(invoice)).getpixel((0, 0)) == (0, 0, 200)

    replace_file(invoice.merchant["logo"], b"not an image")  # printed without a logo, not an error
    assert len(PdfReader(io.BytesIO(render_invoice_pdf(invoice))).pages[0].images) == 0


def test_a_large_logo_is_printed_at_600_dpi_of_its_box(media):
    # 60 mm × 22 mm at most: a 4000 × 1000 picture is limited by its width, 60 mm at 600 dpi.
    logo = printed_logo(render_invoice_pdf(invoice_with_logo(png((4000, 1000), (20, 54, 93)))))
    assert logo.size == (1417, 354)
    assert logo.getpixel((700, 170)) == (20, 54, 93)


def test_a_logo_within_600_dpi_is_printed_as_uploaded(media):
    logo = printed_logo(render_invoice_pdf(invoice_with_logo(png((990, 260), (138, 75, 42)))))
    assert logo.size == (990, 260)


def test_a_transparent_logo_is_printed_on_white_paper(media):
    image = Image.new("RGBA", (4, 2), (0, 0, 0, 0))
    image.putpixel((1, 1), (20, 54, 93, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    logo = printed_logo(render_invoice_pdf(invoice_with_logo(buffer.getvalue())))
    assert logo.mode == "RGB"
    assert logo.getpixel((0, 0)) == (255, 255, 255)
    assert logo.getpixel((1, 1)) == (20, 54, 93)


def test_a_document_fetches_no_file_and_no_address(tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(png((4, 2), "red"))
    html = f'<p>Facture</p><img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/logo.png">'
    reader = PdfReader(io.BytesIO(pdf._to_pdf(html, None)))
    assert "Facture" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 0


def test_the_shared_stylesheet_and_the_page_rule_apply_in_each_language(media):
    """The stylesheet is parsed once per process, the page rule (reference, « Page X de Y »)
    is each document's own: a French then an English invoice, each in its language."""
    make_shop()
    french = issue_invoice(make_order(language="fr"))
    english = issue_invoice(make_order(language="en", email="emily@example.test"))
    for invoice, page in ((french, "Page 1 de 1"), (english, "Page 1 of 1")):
        reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
        text = reader.pages[0].extract_text()
        assert page in text and invoice.reference in text
        # The shared stylesheet applied: DejaVu Sans, bold for the title.
        fonts = {font["/BaseFont"].split("+")[-1] for font in reader.pages[0]["/Resources"]["/Font"].values()}
        assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
