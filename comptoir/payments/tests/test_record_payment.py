from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import invoice_balance, record_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    make_shop()
    # 100.00 picked up in Québec: 114.98 with GST and QST.
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup")
    return issue_invoice(order)


def _state(invoice):
    fresh = Invoice.objects.get(pk=invoice.pk)
    return (fresh.status, fresh.paid_at, Payment.objects.count(), OrderEvent.objects.count())


def test_full_payment_marks_the_invoice_paid(invoice):
    staff = make_staff_user()
    payment = record_payment(invoice, method=Payment.Method.CHEQUE, actor=staff, reference="chq 42")

    invoice.refresh_from_db()
    assert payment.amount == Decimal("114.98")
    assert (payment.method, payment.reference, payment.actor) == ("cheque", "chq 42", staff)
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_at is not None
    assert invoice_balance(invoice) == Decimal("0.00")
    event = OrderEvent.objects.get(kind=OrderEvent.Kind.PAYMENT_RECORDED)
    assert event.order_id == invoice.order_id
    assert event.actor == staff
    assert event.data["amount"] == "114.98"
    assert event.data["paid"] is True


def test_terminal_payment_without_method(invoice):
    record_payment(invoice, method=Payment.Method.UNSPECIFIED)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payments.get().method == ""


def test_partial_payments_add_up(invoice):
    record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("100.00"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID
    assert invoice.paid_at is None
    assert invoice_balance(invoice) == Decimal("14.98")

    record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("14.98"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice_balance(invoice) == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        (Decimal("-5.00"), "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        (Decimal("1.005"), "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        (Decimal("NaN"), "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        ("abc", "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        (1.5, "Saisissez un montant supérieur à zéro, en dollars et en cents."),
        (Decimal("114.99"), "Le montant dépasse le solde de 114,98\u00a0$ : pour l'enregistrer quand même, "
                            "confirmez le trop-perçu (la différence sera un crédit à rembourser)."),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(invoice, amount, message):
    before = _state(invoice)
    with translation.override("fr"), pytest.raises(DomainError) as error:
        record_payment(invoice, method=Payment.Method.CASH, amount=amount)
    assert str(error.value) == message
    assert _state(invoice) == before


def test_invalid_method_is_refused(invoice):
    before = _state(invoice)
    with pytest.raises(DomainError):
        record_payment(invoice, method="bitcoin")
    assert _state(invoice) == before


def test_paid_invoice_is_refused_and_changes_nothing(invoice):
    record_payment(invoice, method=Payment.Method.CASH)
    before = _state(invoice)
    with translation.override("fr"), pytest.raises(DomainError) as error:
        record_payment(invoice, method=Payment.Method.CASH, amount=Decimal("1.00"))
    assert str(error.value) == f"La facture {invoice.reference} est déjà payée."
    assert _state(invoice) == before


def test_cancelled_invoice_is_refused_and_changes_nothing(invoice):
    issue_credit_note(invoice)
    before = _state(invoice)
    with translation.override("fr"), pytest.raises(DomainError) as error:
        record_payment(invoice, method=Payment.Method.CASH)
    assert "annulée" in str(error.value)
    assert _state(invoice) == before
    assert invoice_balance(invoice) == Decimal("0.00")


def test_same_provider_reference_twice_records_one_payment(invoice):
    first = record_payment(invoice, method=Payment.Method.PAYPAL, provider_reference="CAPTURE-1")
    before = _state(invoice)
    # The second notification arrives after the invoice is paid: still no error, no change.
    second = record_payment(invoice, method=Payment.Method.PAYPAL, provider_reference="CAPTURE-1")
    assert second.pk == first.pk
    assert _state(invoice) == before
    assert Payment.objects.filter(provider_reference="CAPTURE-1").count() == 1


def test_empty_provider_reference_is_stored_as_null(invoice):
    one_dollar = {"method": Payment.Method.CASH, "amount": Decimal("1.00"), "provider_reference": ""}
    payment = record_payment(invoice, **one_dollar)
    assert payment.provider_reference is None
    record_payment(invoice, **one_dollar)
    assert invoice.payments.count() == 2


def test_too_long_reference_is_refused(invoice):
    before = _state(invoice)
    with translation.override("fr"), pytest.raises(DomainError) as error:
        record_payment(invoice, method=Payment.Method.CHEQUE, reference="x" * 121)
    assert str(error.value) == "La référence peut contenir au plus 120 caractères."
    assert _state(invoice) == before


def test_the_order_knows_when_its_invoice_is_paid_for_the_ready_to_complete_tab():
    from comptoir.orders.models import Order
    from comptoir.orders.selectors import READY, order_list, order_status_counts

    make_shop()

    def flag(order):
        return Order.objects.values_list("invoice_paid", flat=True).get(pk=order.pk)

    order = make_order()
    invoice = issue_invoice(order)
    assert flag(order) is False
    record_payment(invoice, method="cheque", amount=Decimal("50.00"))
    assert flag(order) is False  # partly paid
    record_payment(invoice, method="cheque")
    assert flag(order) is True
    assert list(order_list(status=READY)) == [order] and order_status_counts()[READY] == 1

    issue_credit_note(invoice, reason="Annulée à la demande du client")
    assert flag(order) is False
    assert list(order_list(status=READY)) == [] and order_status_counts()[READY] == 0


def test_a_free_order_is_paid_as_its_invoice_is_issued():
    from comptoir.orders.models import Order

    make_shop()
    order = make_order([(make_product(price_amount=Decimal("0.00"), is_taxable=False), 1)],
                       delivery_kind="pickup")
    invoice = issue_invoice(order)
    assert invoice.status == Invoice.Status.PAID
    assert Order.objects.get(pk=order.pk).invoice_paid is True
