"""A refund of a discounted line gives back what was paid for it, not its list price."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.pdf import render_credit_note_pdf
from comptoir.payments.refunds import ManualReturn
from comptoir.payments.services import record_payment
from comptoir.paypal.refunds import refund_order
from comptoir.promotions.models import Promotion

pytestmark = pytest.mark.django_db

D = Decimal


def test_refund_of_a_discounted_line_returns_what_was_paid():
    make_delivery_methods()
    make_shop()
    Promotion.objects.create(name="Vingt", code="VINGT", kind="percent", value=D("20"))
    product = make_product(price_amount=D("50.00"), stock=5)
    order = place_test_order([(product, 3)], promo_code="VINGT", delivery_kind="pickup")
    invoice = order.invoice
    line = invoice.lines.get()
    assert (line.amount, line.discount_amount, line.list_amount) == (D("120.00"), D("30.00"), D("150.00"))
    assert invoice.total_amount == D("137.97")  # 120.00 + GST 6.00 + QST 11.97
    record_payment(invoice, method="cheque", amount=invoice.total_amount, actor=None, reference="12")

    note, refunds = refund_order(order, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False,
                                 manual=ManualReturn("cash"))
    # One of three: 50.00 less its 10.00 of discount; taxes on 40.00.
    assert (note.subtotal_amount, note.discount_amount) == (D("-40.00"), D("-10.00"))
    assert note.lines.get().amount == D("-40.00") and note.lines.get().list_amount == D("-50.00")
    assert {tax["code"]: tax["amount"] for tax in note.taxes} == {"GST": "-2.00", "QST": "-3.99"}
    assert [refund.amount for refund in refunds] == [D("45.99")]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_credit_note_pdf(note))).pages)
    # The credited line at its list price, then the discount given back on its own line.
    assert re.search(r"-50,00", text) and re.search(r"Rabais \(VINGT — Vingt\)\s*10,00", text), text

    note, refunds = refund_order(order, CreditSelection(lines={line.pk: 2}), actor=None, send_email=False,
                                 manual=ManualReturn("cash"))
    assert (note.subtotal_amount, note.discount_amount) == (D("-80.00"), D("-20.00"))
    assert sum(refund.amount for refund in refunds) + D("45.99") == D("137.97")


def test_partial_credits_of_an_odd_discount_add_up_to_it():
    make_delivery_methods()
    make_shop()
    Promotion.objects.create(name="Dix", code="DIX", kind="amount", value=D("10.00"))
    product = make_product(price_amount=D("20.00"), stock=5)
    order = place_test_order([(product, 3)], promo_code="DIX", delivery_kind="pickup")
    line = order.invoice.lines.get()
    record_payment(order.invoice, method="cheque", amount=order.invoice.total_amount, actor=None,
                   reference="1")
    notes = [refund_order(order, CreditSelection(lines={line.pk: 1}), actor=None, send_email=False,
                          manual=ManualReturn("cash"))[0] for _ in range(3)]
    assert [note.discount_amount for note in notes] == [D("-3.33"), D("-3.34"), D("-3.33")]
    assert sum(note.subtotal_amount for note in notes) == -line.amount == D("-50.00")
    assert sum(note.total_amount for note in notes) == -order.invoice.total_amount
