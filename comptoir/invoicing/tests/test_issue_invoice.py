from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.errors import DomainError
from comptoir.core.models import Sequence
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop(neq="1234567890", website="https://delices.test")


def test_issue_invoice_snapshots_the_order(shop):
    taxable = make_product(price_amount=Decimal("100.00"), name_fr="Confiture", name_en="Jam")
    exempt = make_product(price_amount=Decimal("4.50"), is_taxable=False, name_fr="Pain", name_en="Bread")
    order = make_order([(taxable, 2), (exempt, 3)], language="en")
    staff = make_staff_user()

    invoice = issue_invoice(order, actor=staff)

    invoice.refresh_from_db()
    assert invoice.order == order
    assert invoice.status == Invoice.Status.UNPAID
    assert invoice.language == "en"
    assert invoice.issued_by == staff
    assert invoice.merchant["legal_name"] == "Les Délices du Comptoir inc."
    assert invoice.merchant["gst_number"] == "123456789 RT 0001"
    assert invoice.merchant["qst_number"] == "1234567890 TQ 0001"
    assert invoice.merchant["neq"] == "1234567890"
    assert invoice.customer_name == "Marie Tremblay"
    assert invoice.customer_email == order.email
    assert invoice.billing_address == order.billing_address.lines()
    assert invoice.shipping_address == order.shipping_address.lines()
    assert (invoice.delivery_name_fr, invoice.delivery_name_en) == ("Livraison à domicile", "Home delivery")
    assert invoice.payment_method == "cheque"
    # 200.00 + 13.50 of goods; home delivery is free from 150.00
    assert invoice.subtotal_amount == Decimal("213.50")
    assert invoice.shipping_amount == order.shipping_amount
    assert invoice.insurance_amount == order.insurance_amount
    assert invoice.tax_total == order.tax_total
    assert invoice.total_amount == order.total_amount
    lines = list(invoice.lines.all())
    assert [(line.sku, line.description_fr, line.description_en, line.quantity, line.unit_price_amount,
             line.amount, line.is_taxable) for line in lines] == [
        (taxable.sku, "Confiture", "Jam", 2, Decimal("100.00"), Decimal("200.00"), True),
        (exempt.sku, "Pain", "Bread", 3, Decimal("4.50"), Decimal("13.50"), False),
    ]
    assert [(t.code, t.rate, t.amount) for t in invoice.taxes.all()] == [
        (t.code, t.rate, t.amount) for t in order.taxes.all()
    ]
    assert [t.code for t in invoice.taxes.all()] == ["GST", "QST"]
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.INVOICE_ISSUED)
    assert event.actor == staff
    assert event.data == {"invoice": invoice.reference, "total": str(invoice.total_amount)}


def test_quebec_100_dollars_invoice_totals(shop):
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup")
    invoice = issue_invoice(order)
    assert [(t.code, t.amount) for t in invoice.taxes.all()] == [
        ("GST", Decimal("5.00")), ("QST", Decimal("9.98"))
    ]
    assert invoice.total_amount == Decimal("114.98")
    assert invoice.shipping_address == []


def test_numbers_are_consecutive(shop):
    numbers = [issue_invoice(make_order()).number for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert Invoice.objects.get(number=numbers[0]).reference == f"F-{numbers[0]:06d}"


def _state():
    return (
        Invoice.objects.count(), InvoiceLine.objects.count(), InvoiceTax.objects.count(),
        OrderEvent.objects.count(), list(Sequence.objects.filter(name="invoice").values_list("last_value")),
    )


def test_second_invoice_is_refused_and_changes_nothing(shop):
    order = make_order()
    issue_invoice(order)
    before = _state()
    with translation.override("fr"), pytest.raises(DomainError) as error:
        issue_invoice(order)
    assert str(error.value) == f"La commande {order.number} a déjà une facture."
    assert _state() == before


def test_cancelled_order_is_refused_and_changes_nothing(shop):
    order = make_order(status="cancelled")
    before = _state()
    with translation.override("fr"), pytest.raises(DomainError) as error:
        issue_invoice(order)
    assert "annulée" in str(error.value)
    assert _state() == before
    assert not Invoice.objects.filter(order=order).exists()


def test_later_changes_to_shop_and_order_do_not_touch_the_invoice(shop):
    order = make_order()
    invoice = issue_invoice(order)
    shop.legal_name = "Autre nom inc."
    shop.save()
    order.billing_address.line1 = "1, rue Changée"
    order.billing_address.save()
    invoice.refresh_from_db()
    assert invoice.merchant["legal_name"] == "Les Délices du Comptoir inc."
    assert "1, rue Changée" not in invoice.billing_address


def test_order_without_lines_is_refused(shop):
    order = make_order()
    order.lines.all().delete()
    before = _state()
    with translation.override("fr"), pytest.raises(DomainError) as error:
        issue_invoice(order)
    assert str(error.value) == f"La commande {order.number} n'a aucune ligne : il n'y a rien à facturer."
    assert _state() == before


def test_free_order_is_invoiced_as_paid(shop):
    free = make_product(price_amount=Decimal("0.00"))
    order = make_order([(free, 1)], delivery_kind="pickup")
    invoice = issue_invoice(order)
    assert invoice.total_amount == Decimal("0.00")
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_at == invoice.issued_at
