"""Checkout with « Virement Interac »: the instructions with the amount, the recipient and the
order's payment reference, on the pages and in the confirmation email, French and English."""

from decimal import Decimal

import pytest

from comptoir.checkout.services import enabled_payment_methods
from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_product, make_shop
from comptoir.notifications.models import Notification
from comptoir.notifications.rendering import render_message
from comptoir.orders.references import is_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    make_shop(interac_enabled=True, interac_email="paiements@delices.test", interac_autodeposit=False,
              interac_question_fr="Nom de notre rue ?", interac_question_en="Name of our street?",
              interac_answer="saintdenis")
    return make_product(price_amount=Decimal("50.00"), stock=10)


def confirmation(order):
    notification = Notification.objects.get(template="order_confirmation", recipient=order.email,
                                            channel="email")
    return render_message(channel="email", template="order_confirmation", language=order.language,
                          context=notification.context)


def test_interac_is_offered_when_enabled(product):
    from comptoir.merchant.models import ShopSettings

    assert "interac" in enabled_payment_methods(ShopSettings.load())


@pytest.mark.parametrize(("language", "words"), [
    ("fr", ["Virement Interac", "Envoyez un virement Interac à paiements@delices.test.",
            "Question de sécurité : Nom de notre rue ?", "Réponse : saintdenis", "Référence de paiement"]),
    ("en", ["Interac e-Transfer", "Send an Interac e-Transfer to paiements@delices.test.",
            "Security question: Name of our street?", "Answer: saintdenis", "Payment reference"]),
])
def test_the_confirmation_email_gives_the_exact_instructions(product, language, words):
    order = place_test_order([(product, 1)], payment_method="interac", language=language,
                             delivery_kind="pickup")
    assert is_valid(order.payment_reference)
    message = confirmation(order)
    amount = "57,49" if language == "fr" else "57.49"
    for body in (message.body_text, message.body_html):
        for word in [*words, order.payment_reference, amount]:
            assert word in body.replace("&#x27;", "'"), (word, language)


def test_the_customers_order_page_shows_the_balance_and_the_reference(client, product):
    order = place_test_order([(product, 1)], payment_method="interac", delivery_kind="pickup")
    page = client.get(order.get_customer_url()).content.decode()
    assert order.payment_reference in page and "paiements@delices.test" in page
    assert "57,49" in page


def test_a_cheque_order_keeps_its_own_instructions(product):
    order = place_test_order([(product, 1)], payment_method="cheque", delivery_kind="pickup")
    assert "Interac" not in order.payment_instructions
    assert is_valid(order.payment_reference)


def test_the_invoice_pdf_names_the_method_and_the_reference(product):
    import io

    from pypdf import PdfReader

    from comptoir.invoicing.pdf import render_invoice_pdf

    order = place_test_order([(product, 1)], payment_method="interac", delivery_kind="pickup")
    pdf = PdfReader(io.BytesIO(render_invoice_pdf(order.invoice)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Virement Interac" in text and order.payment_reference in text

