"""Over the whole demo shop, after a random sequence of payments, refunds, corrections and
cancellations: per tax, Σ invoice taxes − Σ credit-note taxes equals the tax of what the
customers are charged in the end, and the money collected matches what the documents say.

« What is charged in the end », per order and per tax, is computed independently of the
credit notes: nothing for a cancelled order; otherwise the tax module's tax on the taxable
amount the current invoice still carries (its taxable lines less the credited quantities, and
the taxable share of its fees unless credited, less credited amounts, split like the goods).
A partial credit note rounds its own taxes, so
each one may move a tax by one cent from that recomputation; without partial credit notes the
two are equal to the cent.
"""

import random
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from comptoir.catalog.models import Product
from comptoir.core.errors import DomainError
from comptoir.core.money import ZERO
from comptoir.invoicing.credit_notes import CreditSelection, remaining_on
from comptoir.invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceTax
from comptoir.invoicing.services import change_order_status
from comptoir.merchant.demo.loader import load_demo_data
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order
from comptoir.payments.corrections import correct_add_line
from comptoir.payments.models import Payment, Refund
from comptoir.payments.refunds import ManualReturn
from comptoir.payments.services import record_payment
from comptoir.paypal.refunds import refund_order
from comptoir.taxes.models import TaxStatus
from comptoir.taxes.services import TaxedGoods, compute_taxes, split_fees

pytestmark = pytest.mark.django_db


def random_operation(rng: random.Random, order: Order) -> None:
    invoice = order.invoice
    lines = list(invoice.lines.order_by("pk"))
    choice = rng.choice(["pay", "refund_line", "refund_fee", "refund_amount", "add_line", "cancel"])
    if choice == "pay" and invoice.balance_amount > 0:
        record_payment(invoice, method="transfer", amount=invoice.balance_amount, actor=None)
    elif choice == "refund_line":
        line = rng.choice(lines)
        refund_order(order, CreditSelection(lines={line.pk: 1}, restock=frozenset({line.pk})), actor=None,
                     manual=ManualReturn("cash"), send_email=False)
    elif choice == "refund_fee":
        refund_order(order, CreditSelection(shipping=True), actor=None, manual=ManualReturn("cheque"),
                     send_email=False)
    elif choice == "refund_amount":
        refund_order(order, CreditSelection(amount=Decimal(rng.randint(100, 900)) / 100), actor=None,
                     manual=ManualReturn("transfer"), send_email=False)
    elif choice == "add_line":
        product = rng.choice(list(Product.objects.filter(stock__gt=0).order_by("pk")))
        correct_add_line(order, product=product, quantity=1, actor=None)
    elif choice == "cancel":
        change_order_status(order, to=Order.Status.CANCELLED, actor=None)


def expected_taxes(order: Order) -> dict[str, Decimal]:
    if order.status == Order.Status.CANCELLED:
        return {}
    invoice = order.invoice
    if invoice.status == Invoice.Status.CANCELLED:
        return {}
    remaining = remaining_on(invoice)
    lines = {line.pk: line for line in invoice.lines.all()}
    taxable = sum((lines[pk].unit_price_amount * quantity for pk, quantity in remaining.quantities.items()
                   if lines[pk].is_taxable), ZERO)
    credited_amounts = CreditNoteLine.objects.filter(credit_note__invoice=invoice, kind="amount")
    fees = remaining.shipping_amount + remaining.insurance_amount + (
        credited_amounts.aggregate(total=Sum("amount"))["total"] or ZERO)
    goods = [TaxedGoods(line.amount, line.tax_status) for line in lines.values()]
    taxable += split_fees(fees, goods)[TaxStatus.TAXABLE]
    codes = {tax.code for tax in invoice.taxes.all()}
    result = compute_taxes(taxable, province=order.tax_province or None,
                           pst_provinces=list(ShopSettings.load().pst_provinces) + [order.tax_province],
                           on_date=timezone.localdate(invoice.issued_at))
    return {line.code: line.amount for line in result.lines if line.code in codes}


def test_demo_shop_taxes_after_random_operations():
    load_demo_data()
    rng = random.Random(20261203)
    orders = list(Order.objects.filter(invoice_issued=True).order_by("number"))
    assert len(orders) >= 4
    done = 0
    for _step in range(40):
        order = Order.objects.get(pk=rng.choice(orders).pk)
        try:
            random_operation(rng, order)
            done += 1
        except DomainError:
            pass
    assert done >= 15

    document_taxes: dict[str, Decimal] = {}
    for code, amount in InvoiceTax.objects.values_list("code", "amount"):
        document_taxes[code] = document_taxes.get(code, ZERO) + amount
    partial_notes = 0
    for note in CreditNote.objects.select_related("invoice"):
        for tax in note.taxes:
            document_taxes[tax["code"]] += Decimal(tax["amount"])
        partial_notes += note.invoice.status != Invoice.Status.CANCELLED
    expected: dict[str, Decimal] = {}
    for order in Order.objects.filter(invoice_issued=True):
        for code, amount in expected_taxes(order).items():
            expected[code] = expected.get(code, ZERO) + amount
    for code in document_taxes:
        difference = abs(document_taxes[code] - expected.get(code, ZERO))
        assert difference <= Decimal("0.01") * partial_notes, (code, document_taxes, expected)

    # The money: what was collected is what the documents charge, less what is still due, plus
    # what is owed back, as the invoice rows state them (paid_amount and credited_amount kept by
    # the services).
    paid = Payment.objects.filter(reversed_at__isnull=True).aggregate(total=Sum("amount"))["total"] or ZERO
    refunded = Refund.objects.aggregate(total=Sum("amount"))["total"] or ZERO
    net_documents = (Invoice.objects.aggregate(total=Sum("total_amount"))["total"] or ZERO) + (
        CreditNote.objects.aggregate(total=Sum("total_amount"))["total"] or ZERO)
    owed = sum((invoice.balance_amount - invoice.credit_amount for invoice in Invoice.objects.all()), ZERO)
    assert paid - refunded == net_documents - owed
