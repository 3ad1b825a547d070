"""A setting changed in the back-office changes the storefront and the next documents, and
never what was already placed or issued."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from comptoir.core.testing import make_delivery_methods, make_product

from .test_settings_forms import BUSINESS, PAYMENTS


@pytest.fixture
def product(shop):
    make_delivery_methods()
    return make_product(price_amount=Decimal("100.00"), stock=20, slug="sirop-erable",
                        name_fr="Sirop d'érable")


def test_catalogue_mode_removes_the_add_to_cart(owner_client, client, product):
    url = reverse("storefront:product", kwargs={"slug": product.slug})
    cart_action = reverse("storefront:cart_add", kwargs={"slug": product.slug})
    assert cart_action in owner_client.get(url).content.decode()
    owner_client.post(reverse("configuration:settings"), {**PAYMENTS, "catalogue_mode": "on"})
    html = owner_client.get(url).content.decode()
    assert cart_action not in html and "Sirop d&#x27;érable" in html


def test_order_details_only_mode_hides_the_payment_choice(owner_client, product):
    owner_client.post(reverse("storefront:cart_add", kwargs={"slug": product.slug}), {"quantity": 1})
    checkout = reverse("storefront:checkout")
    assert 'name="choice-payment_method"' in owner_client.get(checkout).content.decode()
    owner_client.post(reverse("configuration:settings"),
                      {**PAYMENTS, "cheque_enabled": "", "order_details_only": "on"})
    response = owner_client.get(checkout)
    assert response.status_code == 200
    assert 'name="choice-payment_method"' not in response.content.decode()


def test_insurance_fee_applies_to_the_next_order_only(owner_client, product):
    from comptoir.checkout.testing import place_test_order

    earlier = place_test_order([(product, 1)])
    owner_client.post(reverse("configuration:settings"), {**PAYMENTS, "insurance_fee_amount": "3.50"})
    order = place_test_order([(product, 1)])
    assert order.insurance_amount == Decimal("3.50")
    # Québec: (100.00 + 12.00 delivery + 3.50 insurance) × (5 % + 9.975 %)
    assert order.total_amount == Decimal("115.50") + Decimal("5.78") + Decimal("11.52")
    earlier.refresh_from_db()
    assert earlier.insurance_amount == Decimal("0.00")


def pdf_text(invoice) -> str:
    from comptoir.invoicing.pdf import render_invoice_pdf

    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    return " ".join(page.extract_text() for page in reader.pages)


def test_business_information_appears_on_the_next_invoice(owner_client, product):
    from comptoir.checkout.testing import place_test_order

    earlier_invoice = place_test_order([(product, 1)]).invoice
    response = owner_client.post(reverse("configuration:business"), {
        **BUSINESS, "legal_name": "Érablière Tremblay inc.", "address_line1": "88, rang du Sucre",
        "city": "Saint-Hyacinthe", "postal_code": "J2S 1A1", "gst_number": "987654321 RT 0001",
        "qst_number": "9876543210 TQ 0001", "phone": "450 555-0123",
    })
    assert response.status_code == 302
    text = pdf_text(place_test_order([(product, 1)]).invoice)
    for expected in ("Érablière Tremblay inc.", "88, rang du Sucre", "Saint-Hyacinthe", "J2S 1A1",
                     "987654321 RT 0001", "9876543210 TQ 0001", "450 555-0123"):
        assert expected in text
    earlier_text = pdf_text(earlier_invoice)
    assert "Érablière Tremblay inc." not in earlier_text and "123456789 RT 0001" in earlier_text
